//! Baselines: findings accepted as they are. Matching uses the rule, the
//! path, the API and a hash of the normalized source line, never the line
//! number, so unrelated edits that shift lines keep the baseline valid.

use migscan_core::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// Rule id.
    pub rule: String,
    /// Path as reported.
    pub path: String,
    /// The API, string or variable the rule matched.
    pub api: String,
    /// Hash of the normalized source line, hex.
    pub line_hash: String,
    /// The line when recorded, for people reading the file.
    pub line: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    migscan_baseline: u32,
    findings: Vec<BaselineEntry>,
}

/// Why a baseline file could not be used.
#[derive(Debug)]
pub struct BaselineError(pub String);

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BaselineError {}

/// Accepted findings, counted per key (the same line may hold several).
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    entries: Vec<BaselineEntry>,
}

type Key = (String, String, String, String);

fn key(entry: &BaselineEntry) -> Key {
    (
        entry.rule.clone(),
        entry.path.clone(),
        entry.api.clone(),
        entry.line_hash.clone(),
    )
}

impl Baseline {
    /// A baseline of `findings`, each with its rule id and path.
    pub fn record<'f>(findings: impl IntoIterator<Item = (&'f Finding, &'f str, &'f str)>) -> Self {
        let mut entries: Vec<BaselineEntry> = findings
            .into_iter()
            .map(|(f, rule, path)| BaselineEntry {
                rule: rule.to_string(),
                path: path.to_string(),
                api: f.usage.name.clone(),
                line_hash: format!("{:016x}", f.line_hash),
                line: f.usage.span.line,
            })
            .collect();
        entries.sort();
        Self { entries }
    }

    /// The baseline as pretty JSON.
    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            migscan_baseline: 1,
            findings: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).expect("baseline entries serialize");
        text.push('\n');
        text
    }

    /// Reads a baseline written by [`Baseline::to_json`].
    pub fn from_json(text: &str) -> Result<Self, BaselineError> {
        let file: BaselineFile = serde_json::from_str(text)
            .map_err(|e| BaselineError(format!("not a migscan baseline: {e}")))?;
        if file.migscan_baseline != 1 {
            return Err(BaselineError(format!(
                "unsupported baseline version {}",
                file.migscan_baseline
            )));
        }
        Ok(Self {
            entries: file.findings,
        })
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps the findings the baseline does not account for; returns how
    /// many were hidden. Each entry hides at most one finding.
    pub fn filter<T>(&self, items: &mut Vec<T>, describe: impl Fn(&T) -> BaselineEntry) -> usize {
        let mut budget: BTreeMap<Key, usize> = BTreeMap::new();
        for entry in &self.entries {
            *budget.entry(key(entry)).or_default() += 1;
        }
        let before = items.len();
        items.retain(|item| {
            let k = key(&describe(item));
            match budget.get_mut(&k) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - items.len()
    }
}
