//! Parsing and validating rule files into [`Rule`]s.

use crate::diagnostic::{DataFile, PackError};
use crate::effort::EffortModel;
use crate::model::{Example, Matcher, Rule, RuleLocation, Selector};
use crate::stack::{Stack, StackVersion};
use migscan_core::{Confidence, Status, Step, Target, UsageKind};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// A pack's `pack.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    /// Version of the pack's facts, bumped when rules change.
    pub version: String,
    /// One paragraph on what the pack covers and assumes.
    pub description: String,
    /// The primary sources the pack rests on.
    pub sources: Vec<String>,
    /// What the target's C/C++ compiler defines, for `#if` guards.
    #[serde(default)]
    pub preprocessor: Preprocessor,
    /// The vendor stack whose versions the rules' `since`/`until` count.
    pub stack: Option<Stack>,
    /// The vendor's run-time migration, whose changes rules mark with
    /// `runtime_shim = true`.
    pub runtime_shim: Option<RuntimeShim>,
    /// What `migscan fix` adds to a file it rewrites for the target.
    pub fix: Option<FixSetup>,
}

/// The statement a rewritten Python file needs for the target's device to
/// exist (`import torch_npu` registers `npu`); none where PyTorch keeps the
/// CUDA names (ROCm).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FixSetup {
    /// The import added once, after the file's imports.
    pub import: String,
    /// Where that comes from.
    pub source: String,
}

/// A library whose import makes CUDA code run on the target by patching
/// PyTorch at run time (`torch_npu.contrib.transfer_to_npu` on Ascend): the
/// first step many teams take, so plans say what it handles and what it
/// leaves.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeShim {
    /// The statement that adopts it.
    pub import: String,
    /// What it changes at run time, in one sentence.
    pub does: String,
    /// Where that comes from.
    pub source: String,
}

/// The macros a target's compiler defines and leaves undefined: a branch
/// they decide against is code the target never compiles (an existing port
/// for another platform, or CUDA-only code with a portable `#else`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Preprocessor {
    /// Defined by the target's compiler or PyTorch's extension build.
    #[serde(default)]
    pub defined: Vec<String>,
    /// Never defined there.
    #[serde(default)]
    pub undefined: Vec<String>,
    /// Where these facts come from.
    #[serde(default)]
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackFile {
    pack: PackInfo,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(rename = "match")]
    matcher: Spanned<RawMatch>,
    status: Spanned<Status>,
    replacement: Option<String>,
    step: Spanned<i64>,
    effort: Spanned<String>,
    message: String,
    notes: Option<String>,
    source: Option<Spanned<String>>,
    #[serde(default)]
    confidence: Confidence,
    #[serde(default)]
    examples: Vec<Spanned<RawExample>>,
    adapter: Option<String>,
    covered_by: Option<Spanned<String>>,
    since: Option<Spanned<StackVersion>>,
    until: Option<Spanned<StackVersion>>,
    #[serde(default)]
    runtime_shim: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    language: String,
    code: String,
    expect: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    name: Option<String>,
    method: Option<String>,
    member: Option<String>,
    device: Option<String>,
    backend: Option<String>,
    env: Option<String>,
    symbol: Option<String>,
    include: Option<String>,
    construct: Option<String>,
    package: Option<String>,
    image: Option<String>,
    resource: Option<String>,
    command: Option<String>,
    setting: Option<String>,
    vendored: Option<String>,
    #[serde(default)]
    prefix: bool,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    kinds: Vec<UsageKind>,
}

/// Parses `pack.toml`.
pub fn parse_pack_info(file: &DataFile) -> Result<PackInfo, PackError> {
    toml::from_str::<RawPackFile>(&file.text)
        .map(|raw| raw.pack)
        .map_err(|e| PackError::from_toml(file, &e))
}

/// Parses and validates one rule file of `target`'s pack. Problems that need
/// the whole pack (duplicates) are checked by [`check_duplicates`].
pub fn parse_rule_file(
    file: &DataFile,
    target: Target,
    effort: &EffortModel,
) -> Result<Vec<Rule>, Vec<PackError>> {
    let raw: RawRuleFile =
        toml::from_str(&file.text).map_err(|e| vec![PackError::from_toml(file, &e)])?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    // One line table per file: counting lines anew for each rule was
    // quadratic, and most of the start-up time.
    let lines = migscan_core::LineIndex::new(&file.text);
    for raw_rule in raw.rule {
        match validate(file, &lines, target, effort, raw_rule) {
            Ok(rule) => rules.push(rule),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

fn validate(
    file: &DataFile,
    lines: &migscan_core::LineIndex,
    target: Target,
    effort: &EffortModel,
    raw: Spanned<RawRule>,
) -> Result<Rule, Vec<PackError>> {
    let table_span = raw.span();
    let raw = raw.into_inner();
    let mut errors = Vec::new();
    let id_span = raw.id.span();
    let id = raw.id.into_inner();

    let prefix = format!("{target}/");
    let name = id.strip_prefix(&prefix);
    let well_formed = name.is_some_and(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !well_formed {
        errors.push(
            PackError::new(file, id_span.clone(), format!("bad rule id `{id}`")).help(format!(
                "ids are `{prefix}<name>` with a lower-case, dash-separated name"
            )),
        );
    }

    let step_span = raw.step.span();
    let step = Step::from_number(*raw.step.get_ref());
    if step.is_none() {
        errors.push(
            PackError::new(file, step_span, format!("rule `{id}`: step must be 1, 2, 3 or 4"))
                .help("1 operator coverage, 2 compilation optimization, 3 distributed communication, 4 cluster governance"),
        );
    }

    let status_span = raw.status.span();
    let status = raw.status.into_inner();
    if status == Status::Unknown {
        errors.push(
            PackError::new(
                file,
                status_span,
                format!("rule `{id}`: status `unknown` is reserved for usages no rule covers"),
            )
            .help("use auto, manual, unsupported or supported"),
        );
    }

    let effort_span = raw.effort.span();
    let effort_class = raw.effort.into_inner();
    if effort.class(&effort_class).is_none() {
        let known: Vec<_> = effort.classes.keys().map(String::as_str).collect();
        errors.push(
            PackError::new(
                file,
                effort_span,
                format!("rule `{id}`: unknown effort class `{effort_class}`"),
            )
            .help(format!(
                "classes in rules/effort.toml: {}",
                known.join(", ")
            )),
        );
    }

    let source = match raw.source {
        Some(s) if !s.get_ref().trim().is_empty() => s.into_inner(),
        Some(s) => {
            errors.push(PackError::new(
                file,
                s.span(),
                format!("rule `{id}`: empty source"),
            ));
            String::new()
        }
        None => {
            errors.push(
                PackError::new(file, id_span, format!("rule `{id}` has no `source`"))
                    .label("this rule")
                    .help("every rule names the public source of its facts: a URL or a package file and version"),
            );
            String::new()
        }
    };

    let match_span = raw.matcher.span();
    let matcher = match matcher(raw.matcher.into_inner()) {
        Ok(m) => Some(m),
        Err(message) => {
            errors.push(PackError::new(
                file,
                match_span,
                format!("rule `{id}`: {message}"),
            ));
            None
        }
    };

    let mut examples = Vec::new();
    for example in raw.examples {
        let line = lines.span(example.span().start, example.span().start).line;
        let example = example.into_inner();
        let matches = match example.expect.get_ref().as_str() {
            "match" => true,
            "no-match" => false,
            other => {
                errors.push(
                    PackError::new(
                        file,
                        example.expect.span(),
                        format!("rule `{id}`: example expects `{other}`"),
                    )
                    .help("`match` or `no-match`"),
                );
                continue;
            }
        };
        examples.push(Example {
            language: example.language,
            code: example.code,
            matches,
            line,
        });
    }

    if let (Some(since), Some(until)) = (&raw.since, &raw.until) {
        if since.get_ref() >= until.get_ref() {
            errors.push(
                PackError::new(
                    file,
                    until.span(),
                    format!(
                        "rule `{id}`: `until = \"{}\"` is not after `since = \"{}\"`",
                        until.get_ref(),
                        since.get_ref()
                    ),
                )
                .help("a rule holds from `since` on and before `until`"),
            );
        }
    }

    match (errors.is_empty(), step, matcher) {
        (true, Some(step), Some(matcher)) => Ok(Rule {
            effort: effort
                .capped(matcher.change_kind(), &effort_class)
                .to_string(),
            id,
            target,
            matcher,
            status,
            replacement: raw.replacement.filter(|r| !r.is_empty()),
            step,
            message: raw.message,
            notes: raw.notes.filter(|n| !n.is_empty()),
            source,
            confidence: raw.confidence,
            location: RuleLocation {
                file: file.name.clone(),
                line: lines.span(table_span.start, table_span.start).line,
            },
            severity_override: None,
            examples,
            adapter: raw.adapter,
            covered_by: raw.covered_by.map(Spanned::into_inner),
            since: raw.since.map(Spanned::into_inner),
            until: raw.until.map(Spanned::into_inner),
            runtime_shim: raw.runtime_shim,
        }),
        _ => Err(errors),
    }
}

fn matcher(raw: RawMatch) -> Result<Matcher, String> {
    let values = [
        raw.name,
        raw.method,
        raw.member,
        raw.device,
        raw.backend,
        raw.env,
        raw.symbol,
        raw.include,
        raw.construct,
        raw.package,
        raw.image,
        raw.resource,
        raw.command,
        raw.setting,
        raw.vendored,
    ];
    let keys = || Selector::ALL.map(Selector::key).join(", ");
    let mut given = Selector::ALL
        .into_iter()
        .zip(values)
        .filter_map(|(s, v)| Some((s, v?)));
    let (selector, value) = given
        .next()
        .ok_or_else(|| format!("`match` needs one of {}", keys()))?;
    if given.next().is_some() {
        return Err(format!("`match` takes exactly one of {}", keys()));
    }
    if value.trim().is_empty() {
        return Err("`match` value is empty".into());
    }
    if selector == Selector::Construct && !migscan_core::is_construct(&value) {
        return Err(format!(
            "no frontend reports construct `{value}` (`migscan rules constructs` lists them)"
        ));
    }
    if !raw.kinds.is_empty() {
        if selector != Selector::Name {
            return Err("`kinds` only narrows `name` matches".into());
        }
        if let Some(bad) = raw.kinds.iter().find(|k| !k.is_qualified()) {
            return Err(format!(
                "`kinds` may list import, call, attribute, decorator; not {}",
                bad.as_str()
            ));
        }
    }
    if !raw.except.is_empty() && !raw.prefix {
        return Err("`except` only applies to `prefix = true` matches".into());
    }
    if raw.prefix && !selector.allows_prefix() {
        return Err(format!(
            "`prefix` does not apply to `{}` matches",
            selector.key()
        ));
    }
    Ok(Matcher {
        selector,
        value,
        prefix: raw.prefix,
        except: raw.except,
        kinds: raw.kinds,
    })
}

/// Rejects a `covered_by` that names no adapter a rule of its pack declares.
pub fn check_adapters(rules: &[Rule], files: &HashMap<String, DataFile>) -> Vec<PackError> {
    let declared: std::collections::HashSet<(Target, &str)> = rules
        .iter()
        .filter_map(|r| Some((r.target, r.adapter.as_deref()?)))
        .collect();
    rules
        .iter()
        .filter_map(|rule| {
            let adapter = rule.covered_by.as_deref()?;
            if declared.contains(&(rule.target, adapter)) {
                return None;
            }
            let file = &files[&rule.location.file];
            let table = offset_of_line(&file.text, rule.location.line);
            // The key in the rule's table, or the table itself.
            let start = file.text[table..]
                .find("covered_by")
                .map_or(table, |at| table + at);
            Some(
                PackError::new(
                    file,
                    start..start + "covered_by".len(),
                    format!(
                        "rule `{}` is covered by adapter `{adapter}`, which no rule of the {} pack declares",
                        rule.id, rule.target
                    ),
                )
                .label("no such adapter")
                .help("declare it with `adapter = \"...\"` on the rule that adopts it"),
            )
        })
        .collect()
}

/// Rejects keys that need a declaration in `pack.toml` the pack lacks:
/// `since`/`until` without a stack to count them in, `runtime_shim`
/// without a shim.
pub fn check_pack_declarations(
    rules: &[Rule],
    packs: &std::collections::BTreeMap<Target, PackInfo>,
    files: &HashMap<String, DataFile>,
) -> Vec<PackError> {
    let mut errors = Vec::new();
    for rule in rules {
        let pack = packs.get(&rule.target);
        let missing = if (rule.since.is_some() || rule.until.is_some())
            && pack.is_none_or(|p| p.stack.is_none())
        {
            Some((
                "`since`/`until`",
                "stack",
                "declare `[pack.stack]` with `name`, `documented` and `source` in pack.toml",
            ))
        } else if rule.runtime_shim && pack.is_none_or(|p| p.runtime_shim.is_none()) {
            Some((
                "`runtime_shim`",
                "runtime shim",
                "declare `[pack.runtime_shim]` with `import`, `does` and `source` in pack.toml",
            ))
        } else {
            None
        };
        if let Some((key, what, help)) = missing {
            let file = &files[&rule.location.file];
            let start = offset_of_line(&file.text, rule.location.line);
            errors.push(
                PackError::new(
                    file,
                    start..start + 6,
                    format!(
                        "rule `{}` has {key}, but the {} pack names no {}",
                        rule.id, rule.target, what
                    ),
                )
                .label("this rule")
                .help(help),
            );
        }
    }
    errors
}

/// Rejects two rules with one id, or two rules of a pack matching the same thing.
pub fn check_duplicates(rules: &[Rule], files: &HashMap<String, DataFile>) -> Vec<PackError> {
    let mut errors = Vec::new();
    let mut ids: HashMap<&str, &Rule> = HashMap::new();
    let mut matches: HashMap<(Target, Selector, &str, bool, &[UsageKind]), &Rule> = HashMap::new();
    for rule in rules {
        let here = |message: String| {
            let file = &files[&rule.location.file];
            let start = offset_of_line(&file.text, rule.location.line);
            PackError::new(file, start..start + 6, message).label("this rule")
        };
        if let Some(first) = ids.insert(&rule.id, rule) {
            errors.push(here(format!(
                "duplicate rule id `{}` (first defined at {}:{})",
                rule.id, first.location.file, first.location.line
            )));
        }
        let m = &rule.matcher;
        let key = (
            rule.target,
            m.selector,
            m.value.as_str(),
            m.prefix,
            m.kinds.as_slice(),
        );
        if let Some(first) = matches.insert(key, rule) {
            errors.push(
                here(format!(
                    "rule `{}` matches {} like `{}` does ({}:{})",
                    rule.id,
                    m.describe(),
                    first.id,
                    first.location.file,
                    first.location.line
                ))
                .help("merge the two rules, or narrow one with `kinds` or `except`"),
            );
        }
    }
    errors
}

fn offset_of_line(text: &str, line: u32) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum()
}

/// The span of a whole text, for errors about a file as such.
pub fn whole(file: &DataFile) -> Range<usize> {
    0..file.text.lines().next().map_or(0, str::len)
}
