//! migscan's rule packs: TOML files under `rules/<target>/`, embedded in the
//! binary, validated on load, compiled into a [`RuleIndex`] per target.
//!
//! A pack error is a [`PackErrors`] diagnostic pointing at file, line and
//! column. See `docs/rules.md` for the file format.

// Pack errors carry their source file for miette; they are built once, on a
// cold path, so their size does not matter.
#![allow(clippy::result_large_err)]

mod audit;
pub mod code;
mod diagnostic;
mod effort;
mod hardware;
mod index;
mod load;
mod model;
mod stack;

pub use audit::{audit, TargetAudit};
pub use diagnostic::{DataFile, PackError, PackErrors};
pub use effort::{EffortClass, EffortModel, Hours};
pub use hardware::{About, Card, PrecisionSupport, Support};
pub use index::{
    cuda_env_prefixes, looks_cuda_specific, native_unknown_anchors, python_unknown_anchors,
    RuleIndex, Verdict,
};
pub use load::{FixSetup, PackInfo, Preprocessor, RuntimeShim};
pub use model::{Example, Matcher, Rule, RuleLocation, Selector};
use stack::Unmet;
pub use stack::{Stack, StackVersion, VERSION_HELP};

use migscan_core::{Confidence, Severity, Status, Step, Target};
use std::collections::{BTreeMap, HashMap};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The effort class of findings no rule covers.
pub const UNKNOWN_EFFORT: &str = "review";

/// Every loaded rule of every target, with pack metadata and the effort model.
#[derive(Debug)]
pub struct RuleCatalog {
    rules: Vec<Rule>,
    packs: BTreeMap<Target, PackInfo>,
    effort: EffortModel,
    unknown: HashMap<(Target, Step), usize>,
    cards: Vec<Card>,
}

impl RuleCatalog {
    /// The packs built into the binary.
    pub fn embedded() -> Result<Self, PackErrors> {
        let files = embedded::FILES.iter().map(|(path, text)| DataFile {
            name: format!("rules/{path}"),
            text: (*text).into(),
        });
        Self::from_files(files)
    }

    /// The built-in packs plus user packs from `dirs`, each laid out like
    /// `rules/`: `<dir>/<target>/*.toml` (a `pack.toml` is optional there).
    pub fn with_user_packs(dirs: &[std::path::PathBuf]) -> Result<Self, PackErrors> {
        let mut files: Vec<DataFile> = embedded::FILES
            .iter()
            .map(|(path, text)| DataFile {
                name: format!("rules/{path}"),
                text: (*text).into(),
            })
            .collect();
        for dir in dirs {
            let mut stack = vec![dir.clone()];
            let mut found = Vec::new();
            while let Some(d) = stack.pop() {
                let entries = std::fs::read_dir(&d).map_err(|e| {
                    PackErrors::new(vec![PackError::whole_file(
                        d.display().to_string(),
                        format!("cannot read rule-pack directory {}: {e}", d.display()),
                    )])
                })?;
                for entry in entries.flatten() {
                    let path = entry.path();
                    // Linked directories are not followed (a link to a
                    // parent would loop); linked files are read.
                    if entry.file_type().is_ok_and(|t| t.is_dir()) {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "toml") {
                        found.push(path);
                    }
                }
            }
            found.sort();
            for path in found {
                // Opening a named pipe would block until a writer comes.
                if !path.is_file() {
                    return Err(PackErrors::new(vec![PackError::whole_file(
                        path.display().to_string(),
                        format!(
                            "cannot read rule file {}: not a regular file",
                            path.display()
                        ),
                    )]));
                }
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    PackErrors::new(vec![PackError::whole_file(
                        path.display().to_string(),
                        format!("cannot read rule file {}: {e}", path.display()),
                    )])
                })?;
                files.push(DataFile {
                    name: path.display().to_string(),
                    text: text.into(),
                });
            }
        }
        Self::from_files(files)
    }

    /// Loads packs from files named like the embedded ones: `rules/effort.toml`
    /// and `rules/<target>/pack.toml` plus `rules/<target>/*.toml`.
    pub fn from_files(files: impl IntoIterator<Item = DataFile>) -> Result<Self, PackErrors> {
        let files: Vec<DataFile> = files.into_iter().collect();
        let mut errors = Vec::new();
        let effort_file = files
            .iter()
            .find(|f| f.name.ends_with("rules/effort.toml") || f.name == "effort.toml");
        let effort = match effort_file.map(EffortModel::parse) {
            Some(Ok(model)) => model,
            Some(Err(mut e)) => {
                errors.append(&mut e);
                EffortModel::default()
            }
            None => {
                let error = PackError::whole_file(
                    "rules/effort.toml",
                    "no effort model: rules/effort.toml is missing",
                );
                return Err(PackErrors::new(vec![error]));
            }
        };
        let mut rules = Vec::new();
        let mut packs = BTreeMap::new();
        let mut cards = Vec::new();
        for file in &files {
            if file.name.contains("/hardware/") {
                match hardware::parse_card(file) {
                    Ok(card) => cards.push(card),
                    Err(e) => errors.push(e),
                }
                continue;
            }
            let Some((target, base)) = pack_member(&file.name) else {
                if !effort_file.is_some_and(|e| std::ptr::eq(e, file)) {
                    // A pack under a misspelled folder, or rule files put
                    // straight into the directory, would load as nothing.
                    errors.push(
                        PackError::whole_file(
                            file.name.clone(),
                            format!(
                                "{}: not in a target's folder, so no pack would use it",
                                file.name
                            ),
                        )
                        .help(format!(
                            "rule files go in <dir>/<target>/ with target one of {}",
                            Target::ALL.map(|t| t.id()).join(", ")
                        )),
                    );
                }
                continue;
            };
            if base == "pack.toml" {
                match load::parse_pack_info(file) {
                    Ok(info) => {
                        packs.insert(target, info);
                    }
                    Err(e) => errors.push(e),
                }
                continue;
            }
            match load::parse_rule_file(file, target, &effort) {
                Ok(mut r) => rules.append(&mut r),
                Err(mut e) => errors.append(&mut e),
            }
        }
        let by_name: HashMap<String, DataFile> =
            files.iter().map(|f| (f.name.clone(), f.clone())).collect();
        errors.extend(load::check_duplicates(&rules, &by_name));
        errors.extend(load::check_adapters(&rules, &by_name));
        errors.extend(load::check_pack_declarations(&rules, &packs, &by_name));
        if let Some(file) = effort_file {
            if effort.class(UNKNOWN_EFFORT).is_none() && errors.is_empty() {
                errors.push(PackError::new(
                    file,
                    load::whole(file),
                    format!(
                        "effort class `{UNKNOWN_EFFORT}` (used for unknown findings) is missing"
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(PackErrors::new(errors));
        }
        let mut unknown = HashMap::new();
        for target in packs.keys().copied().collect::<Vec<_>>() {
            for step in Step::ALL {
                unknown.insert((target, step), rules.len());
                rules.push(unknown_rule(target, step));
            }
        }
        cards.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Self {
            rules,
            packs,
            effort,
            unknown,
            cards,
        })
    }

    /// Every rule, built-in unknown rules last.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules of one target, with their catalog indexes.
    pub fn rules_for(&self, target: Target) -> impl Iterator<Item = (usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.target == target)
    }

    /// The rule with this id.
    pub fn find(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Sets the severity of the rules `id` names: a full id
    /// (`ascend/torch-float64`) or a name for every target (`torch-float64`).
    /// Returns how many rules it applied to.
    pub fn override_severity(&mut self, id: &str, severity: Severity) -> usize {
        let mut count = 0;
        for rule in self.rules.iter_mut().filter(|r| rule_named(r, id)) {
            rule.severity_override = Some(severity);
            count += 1;
        }
        count
    }

    /// Whether any rule is named `id` (full id or target-less name).
    pub fn knows(&self, id: &str) -> bool {
        self.rules.iter().any(|r| rule_named(r, id))
    }

    /// Replaces an effort class's figures (configuration calibrates them).
    pub fn calibrate(&mut self, class: &str, calibrated: EffortClass) -> bool {
        match self.effort.classes.get_mut(class) {
            Some(existing) => {
                *existing = calibrated;
                true
            }
            None => false,
        }
    }

    /// Plans for `version` of `target`'s stack: a rule that does not hold
    /// there (`since` after it, `until` at or before it) becomes
    /// `unsupported`, its message saying which version it needs, and is
    /// priced as a differently shaped equivalent (capped by its kind of
    /// change). Returns how many rules changed; an error when the pack
    /// declares no stack.
    pub fn assume_stack(&mut self, target: Target, version: StackVersion) -> Result<usize, String> {
        let stack = self
            .packs
            .get_mut(&target)
            .and_then(|p| p.stack.as_mut())
            .ok_or_else(|| format!("the {target} pack declares no stack version to choose"))?;
        stack.assumed = Some(version.clone());
        let name = stack.name.clone();
        let mut changed = 0;
        for rule in self.rules.iter_mut().filter(|r| r.target == target) {
            let needs = match stack::unmet(rule.since.as_ref(), rule.until.as_ref(), &version) {
                None => continue,
                Some(Unmet::Needs(since)) => format!("needs {name} {since} or later"),
                Some(Unmet::GoneIn(until)) => format!("gone in {name} {until}"),
            };
            rule.message = format!(
                "{needs}, and this plan assumes {name} {version}: upgrade the stack or work around it. On a stack that has it: {}",
                rule.message
            );
            rule.status = Status::Unsupported;
            rule.replacement = None;
            rule.effort = self
                .effort
                .capped(rule.matcher.change_kind(), "moderate")
                .to_string();
            changed += 1;
        }
        Ok(changed)
    }

    /// The rule at a catalog index.
    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    /// Metadata of `target`'s pack.
    pub fn pack(&self, target: Target) -> Option<&PackInfo> {
        self.packs.get(&target)
    }

    /// How many of `target`'s rules say which stack versions they hold for.
    pub fn versioned_rules(&self, target: Target) -> usize {
        self.rules_for(target)
            .filter(|(_, r)| r.since.is_some() || r.until.is_some())
            .count()
    }

    /// The stack version plans for `target` assume, as reports print it
    /// (`HIP 7.14.0 (newest the pack documents)`); `None` when the pack's
    /// sources state no version.
    pub fn stack_assumed(&self, target: Target) -> Option<String> {
        self.pack(target)?.stack.as_ref().map(Stack::describe)
    }

    /// Every hardware profile, by id.
    pub fn cards(&self) -> &[Card] {
        &self.cards
    }

    /// The card the report uses for `target`: `device` if it belongs to the
    /// target, else the target's default card.
    pub fn card_for(&self, target: Target, device: Option<&str>) -> Option<&Card> {
        let of_target = |c: &&Card| c.target == target.id();
        device
            .and_then(|d| {
                self.cards
                    .iter()
                    .filter(of_target)
                    .find(|c| c.answers_to(d))
            })
            .or_else(|| self.cards.iter().filter(of_target).find(|c| c.default))
            .or_else(|| self.cards.iter().find(of_target))
    }

    /// The effort model.
    pub fn effort(&self) -> &EffortModel {
        &self.effort
    }

    /// The match index of `target`'s pack (without the unknown rules, which
    /// [`RuleCatalog::unknown_rule`] picks).
    pub fn index(&self, target: Target) -> RuleIndex {
        RuleIndex::new(
            self.rules_for(target)
                .filter(|(_, r)| r.status != Status::Unknown),
        )
    }

    /// The catalog index of the built-in rule for an uncovered usage of
    /// `target` (none when the target has no pack): collectives go to step 3, build settings to step 2,
    /// environment variables, packages, images, resources and commands to
    /// step 4, everything else (APIs, headers, kernels) to step 1.
    pub fn unknown_rule(&self, target: Target, usage: &migscan_core::Usage) -> Option<usize> {
        use migscan_core::UsageKind;
        let lower = usage.name.to_ascii_lowercase();
        let step = match usage.kind {
            UsageKind::BackendString => Step::DistributedCommunication,
            _ if lower.contains("nccl") || lower.contains("distributed") => {
                Step::DistributedCommunication
            }
            UsageKind::BuildSetting => Step::CompilationOptimization,
            UsageKind::EnvVar
            | UsageKind::Package
            | UsageKind::Image
            | UsageKind::Resource
            | UsageKind::Command => Step::ClusterGovernance,
            _ => Step::OperatorCoverage,
        };
        self.unknown.get(&(target, step)).copied()
    }
}

/// Whether `id` names `rule`: its full id or its name without the target.
pub fn rule_named(rule: &Rule, id: &str) -> bool {
    rule.id == id || rule.id.split_once('/').is_some_and(|(_, name)| name == id)
}

/// `rules/ascend/device.toml` → (ascend, `device.toml`).
fn pack_member(name: &str) -> Option<(Target, &str)> {
    let mut parts = name.rsplit('/');
    let base = parts.next()?;
    let dir = parts.next()?;
    Some((Target::parse(dir).ok()?, base))
}

fn unknown_rule(target: Target, step: Step) -> Rule {
    let what = match step {
        Step::OperatorCoverage => "api",
        Step::CompilationOptimization => "build",
        Step::DistributedCommunication => "distributed",
        Step::ClusterGovernance => "ops",
    };
    Rule {
        id: format!("{target}/unknown-cuda-{what}"),
        target,
        matcher: Matcher {
            selector: Selector::Name,
            value: "<no rule>".into(),
            prefix: false,
            except: vec![],
            kinds: vec![],
        },
        status: Status::Unknown,
        replacement: None,
        step,
        effort: UNKNOWN_EFFORT.into(),
        message: format!(
            "looks CUDA-specific, but the {target} pack has no rule for it: check by hand whether {} supports it",
            target.title()
        ),
        notes: None,
        source: "migscan built-in: CUDA-looking names, headers, kernels, variables, packages, images, resources and commands that no rule of the pack covers (docs/rules.md, Unknown usages)".into(),
        confidence: Confidence::Low,
        location: RuleLocation {
            file: "built-in".into(),
            line: 0,
        },
        severity_override: None,
        adapter: None,
        covered_by: None,
        examples: vec![],
        since: None,
        until: None,
        runtime_shim: false,
    }
}

#[cfg(test)]
mod tests;
