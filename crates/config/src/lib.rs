//! Project configuration: `migscan.toml`, or the `[tool.migscan]` table of
//! `pyproject.toml`, found by walking up from the scanned path (the nearest
//! wins). Unknown keys and bad values are diagnostics pointing into the file.
//!
//! ```toml
//! target = ["ascend", "hygon"]      # or "all"
//! device = "910b"
//! exclude = ["tests/**"]
//! include = ["src/**"]
//! ignore = ["ascend/torch-float64"] # rule ids, or names for every target
//! fail-on = "warning"               # info | warning | error | never
//! format = "concise"
//! vendored = "summarize"            # summarize | itemize | skip
//! rules = ["ci/migscan-rules"]      # extra rule packs (<dir>/<target>/*.toml)
//! [stack]                           # stack versions to plan for (newest documented if absent)
//! hygon = "6.2"                     # HIP 6.2
//! [severity]
//! "device-cuda" = "info"
//! [effort.trivial]
//! description = "our renames"
//! per_api = { low = 0.1, likely = 0.2, high = 0.4 }
//! per_site = { low = 0.01, likely = 0.02, high = 0.05 }
//! ```

use migscan_core::{Severity, Target};
use migscan_rules::{
    DataFile, EffortClass, PackError, PackErrors, RuleCatalog, StackVersion, VERSION_HELP,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Configuration file names, in the order a directory is searched.
const NAMES: [&str; 2] = ["migscan.toml", "pyproject.toml"];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    target: Option<Spanned<TargetSpec>>,
    device: Option<String>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
    vendored: Option<Spanned<String>>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    stack: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    effort: BTreeMap<String, Spanned<EffortClass>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TargetSpec {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Deserialize)]
struct PyProjectTool {
    migscan: Option<toml::Value>,
}

/// A loaded configuration file.
pub struct Config {
    /// The file it came from.
    pub file: DataFile,
    /// Its directory: relative paths in it are relative to this.
    pub dir: PathBuf,
    raw: RawConfig,
}

impl Config {
    /// The nearest configuration above `start` (a file or directory).
    pub fn discover(start: &Path) -> Result<Option<Config>, PackErrors> {
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            for name in NAMES {
                let path = d.join(name);
                if path.is_file() {
                    if let Some(config) = Self::load_if_configured(&path)? {
                        return Ok(Some(config));
                    }
                }
            }
            dir = d.parent();
        }
        Ok(None)
    }

    /// Loads `path` (a `migscan.toml`, or a `pyproject.toml` with a
    /// `[tool.migscan]` table).
    pub fn load(path: &Path) -> Result<Config, PackErrors> {
        Self::load_if_configured(path)?.ok_or_else(|| {
            PackErrors::new(vec![PackError::whole_file(
                path.display().to_string(),
                format!("{} has no [tool.migscan] table", path.display()),
            )])
        })
    }

    fn load_if_configured(path: &Path) -> Result<Option<Config>, PackErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            PackErrors::new(vec![PackError::whole_file(
                path.display().to_string(),
                format!("cannot read {}: {e}", path.display()),
            )])
        })?;
        let file = DataFile {
            name: path.display().to_string(),
            text: text.into(),
        };
        let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let raw: RawConfig = if is_pyproject {
            // Errors inside [tool.migscan] keep their position in the file.
            let pyproject: PyProject = toml::from_str(&file.text).map_err(|e| one(&file, &e))?;
            if pyproject.tool.and_then(|t| t.migscan).is_none() {
                return Ok(None);
            }
            #[derive(Deserialize)]
            struct Wrapper {
                tool: WrapperTool,
            }
            #[derive(Deserialize)]
            struct WrapperTool {
                migscan: RawConfig,
            }
            toml::from_str::<Wrapper>(&file.text)
                .map_err(|e| one(&file, &e))?
                .tool
                .migscan
        } else {
            toml::from_str(&file.text).map_err(|e| one(&file, &e))?
        };
        Ok(Some(Config { file, dir, raw }))
    }

    /// Checks the values against the rule catalog and applies the rule
    /// settings (severities, effort calibration) to it.
    pub fn apply(
        &self,
        catalog: &mut RuleCatalog,
        formats: &[&str],
    ) -> Result<Settings, PackErrors> {
        let mut errors = Vec::new();
        let raw = &self.raw;
        let targets = raw.target.as_ref().map(|spec| {
            let names: Vec<&str> = match spec.get_ref() {
                TargetSpec::One(name) => vec![name.as_str()],
                TargetSpec::Many(names) => names.iter().map(String::as_str).collect(),
            };
            let mut targets = Vec::new();
            for name in names {
                if name.eq_ignore_ascii_case("all") {
                    targets.extend(Target::ALL);
                } else {
                    match Target::parse(name) {
                        Ok(t) => targets.push(t),
                        Err(e) => {
                            errors.push(PackError::new(&self.file, spec.span(), e.to_string()))
                        }
                    }
                }
            }
            targets.sort();
            targets.dedup();
            targets
        });
        let mut one_of = |value: &Option<Spanned<String>>, what: &str, allowed: &[&str]| {
            let value = value.as_ref()?;
            if !allowed.contains(&value.get_ref().as_str()) {
                errors.push(
                    PackError::new(
                        &self.file,
                        value.span(),
                        format!("unknown {what} `{}`", value.get_ref()),
                    )
                    .help(format!("one of {}", allowed.join(", "))),
                );
            }
            Some(value.get_ref().clone())
        };
        let fail_on = one_of(
            &raw.fail_on,
            "fail-on",
            &["info", "warning", "error", "never"],
        );
        let format = one_of(&raw.format, "format", formats);
        let vendored = one_of(
            &raw.vendored,
            "vendored mode",
            &["summarize", "itemize", "skip"],
        );
        let mut stack = Vec::new();
        for (target, version) in &raw.stack {
            match stack_choice(catalog, target.get_ref(), version.get_ref()) {
                Ok(choice) => stack.push(choice),
                Err(StackError::Target(message)) => {
                    errors.push(PackError::new(&self.file, target.span(), message))
                }
                Err(StackError::Version(message)) => errors
                    .push(PackError::new(&self.file, version.span(), message).help(VERSION_HELP)),
            }
        }
        for pattern in raw.exclude.iter().chain(&raw.include) {
            if let Some(problem) = migscan_discover::glob_problem(pattern.get_ref()) {
                errors.push(
                    PackError::new(
                        &self.file,
                        pattern.span(),
                        format!("invalid glob: {problem}"),
                    )
                    .help("a gitignore-like glob such as `tests/**` or `*.cu`"),
                );
            }
        }
        for id in &raw.ignore {
            if !catalog.knows(id.get_ref()) {
                errors.push(
                    PackError::new(&self.file, id.span(), format!("no rule `{}`", id.get_ref()))
                        .help("`migscan rules list` shows every rule id"),
                );
            }
        }
        for (id, level) in &raw.severity {
            let severity = match level.get_ref().as_str() {
                "info" => Some(Severity::Info),
                "warning" => Some(Severity::Warning),
                "error" => Some(Severity::Error),
                _ => {
                    errors.push(
                        PackError::new(
                            &self.file,
                            level.span(),
                            format!("bad severity `{}`", level.get_ref()),
                        )
                        .help("info, warning or error"),
                    );
                    None
                }
            };
            if let Some(severity) = severity {
                if catalog.override_severity(id, severity) == 0 {
                    errors.push(
                        PackError::new(&self.file, level.span(), format!("no rule `{id}`"))
                            .help("`migscan rules list` shows every rule id"),
                    );
                }
            }
        }
        for (class, calibrated) in &raw.effort {
            if let Some(problem) = calibrated.get_ref().range_problems(class).next() {
                errors.push(
                    PackError::new(&self.file, calibrated.span(), problem).label("in this class"),
                );
                continue;
            }
            if !catalog.calibrate(class, calibrated.get_ref().clone()) {
                errors.push(
                    PackError::new(
                        &self.file,
                        calibrated.span(),
                        format!("no effort class `{class}`"),
                    )
                    .help("classes are defined in rules/effort.toml"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(PackErrors::new(errors));
        }
        Ok(Settings {
            targets,
            device: raw.device.clone(),
            exclude: raw.exclude.iter().map(|p| p.get_ref().clone()).collect(),
            include: raw.include.iter().map(|p| p.get_ref().clone()).collect(),
            ignore: raw.ignore.iter().map(|i| i.get_ref().clone()).collect(),
            fail_on,
            format,
            vendored,
            stack,
        })
    }

    /// Extra rule-pack directories, resolved against the file's directory.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        self.raw.rules.iter().map(|r| self.dir.join(r)).collect()
    }
}

/// The scan settings a configuration gives (command-line flags win).
#[derive(Debug, Default)]
pub struct Settings {
    /// Targets to plan for.
    pub targets: Option<Vec<Target>>,
    /// Card for the hardware section.
    pub device: Option<String>,
    /// Exclude globs.
    pub exclude: Vec<String>,
    /// Include globs (only matching files are scanned).
    pub include: Vec<String>,
    /// Rules whose findings are dropped.
    pub ignore: Vec<String>,
    /// Gate threshold.
    pub fail_on: Option<String>,
    /// Output format.
    pub format: Option<String>,
    /// What to do with vendored libraries (`summarize`, `itemize`, `skip`).
    pub vendored: Option<String>,
    /// The stack version to plan for, per target.
    pub stack: Vec<(Target, StackVersion)>,
}

/// What is wrong with a stack choice: its target or its version.
#[derive(Debug, PartialEq, Eq)]
pub enum StackError {
    /// Not a target, or one whose pack names no stack.
    Target(String),
    /// Not a version.
    Version(String),
}

/// Checks `target = version` (`hygon`, `6.2`) against the packs: the
/// target must name a pack that declares a stack.
pub fn stack_choice(
    catalog: &RuleCatalog,
    target: &str,
    version: &str,
) -> Result<(Target, StackVersion), StackError> {
    let target = Target::parse(target).map_err(|e| StackError::Target(e.to_string()))?;
    let stack = catalog
        .pack(target)
        .and_then(|p| p.stack.as_ref())
        .ok_or_else(|| {
            StackError::Target(format!(
                "the {target} pack names no stack version to choose"
            ))
        })?;
    let version = StackVersion::parse(version).ok_or_else(|| {
        let find = stack
            .find
            .as_deref()
            .map(|find| format!(": {find}"))
            .unwrap_or_default();
        StackError::Version(format!("`{version}` is not a {} version{find}", stack.name))
    })?;
    Ok((target, version))
}

fn one(file: &DataFile, error: &toml::de::Error) -> PackErrors {
    PackErrors::new(vec![PackError::from_toml(file, error)])
}

#[cfg(test)]
mod tests;
