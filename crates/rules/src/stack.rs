//! Vendor stack versions: a pack names the stack its facts are about (HIP
//! for Hygon, torch_npu for Ascend, ...), a rule the versions it holds for
//! (`since`, `until`), and a run the version it plans for (`--stack
//! hygon=5.7`; the newest the pack documents when not given).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A dotted version of a vendor stack (`5.7`, `6.2.0`, `2.14.0`): compared
/// numerically, missing components as zero (`6.2` = `6.2.0`).
#[derive(Clone, Debug, Eq, Serialize)]
#[serde(into = "String")]
pub struct StackVersion(Vec<u32>);

impl StackVersion {
    /// Parses `1.2.3`; `None` for anything but dot-separated numbers.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Option<Vec<u32>> = text.split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty()).map(StackVersion)
    }

    fn component(&self, i: usize) -> u32 {
        self.0.get(i).copied().unwrap_or(0)
    }
}

impl Ord for StackVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| self.component(i).cmp(&other.component(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for StackVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for StackVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl fmt::Display for StackVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

impl From<StackVersion> for String {
    fn from(version: StackVersion) -> String {
        version.to_string()
    }
}

impl<'de> Deserialize<'de> for StackVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        StackVersion::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a version: numbers separated by dots, such as 6.2"
            ))
        })
    }
}

/// The vendor stack a pack's facts are about (`[pack.stack]`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// What `since`/`until` count in: `HIP`, `torch_npu`, `torch_mlu`.
    pub name: String,
    /// The newest version the pack's sources document: what a plan assumes
    /// unless the user names another.
    pub documented: StackVersion,
    /// Where the versions come from.
    pub source: String,
    /// How a user finds the version they run (`hipcc --version`), when the
    /// vendor's release names are not versions of this stack.
    #[serde(default)]
    pub find: Option<String>,
    /// The version a run plans for, when the user chose one.
    #[serde(skip)]
    pub assumed: Option<StackVersion>,
}

impl Stack {
    /// The version plans assume.
    pub fn version(&self) -> &StackVersion {
        self.assumed.as_ref().unwrap_or(&self.documented)
    }

    /// `HIP 5.7 (chosen)` or `HIP 7.14 (newest documented)`, as reports
    /// print it.
    pub fn describe(&self) -> String {
        let why = if self.assumed.is_some() {
            "chosen"
        } else {
            "newest the pack documents"
        };
        format!("{} {} ({why})", self.name, self.version())
    }
}

/// Why a rule does not hold on a version.
#[derive(Debug, PartialEq, Eq)]
pub enum Unmet<'v> {
    /// It needs this later version (`since`).
    Needs(&'v StackVersion),
    /// It is gone from this version on (`until`).
    GoneIn(&'v StackVersion),
}

/// Why a rule with `since` and `until` does not hold on `version`; `None`
/// when it does: from `since` on, before `until`.
pub fn unmet<'v>(
    since: Option<&'v StackVersion>,
    until: Option<&'v StackVersion>,
    version: &StackVersion,
) -> Option<Unmet<'v>> {
    match (since, until) {
        (Some(since), _) if since > version => Some(Unmet::Needs(since)),
        (_, Some(until)) if until <= version => Some(Unmet::GoneIn(until)),
        _ => None,
    }
}

/// What to say when a version does not parse.
pub const VERSION_HELP: &str = "a version is numbers separated by dots, such as 6.2";

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> StackVersion {
        StackVersion::parse(text).unwrap()
    }

    #[test]
    fn versions_compare_numerically_with_missing_parts_as_zero() {
        assert!(v("5.10") > v("5.7"));
        assert_eq!(v("6.2"), v("6.2.0"));
        assert!(v("7.0") > v("6.4.3"));
        assert_eq!(v("6.2.0").to_string(), "6.2.0");
        assert_eq!(StackVersion::parse("6.x"), None);
        assert_eq!(StackVersion::parse(""), None);
        assert_eq!(StackVersion::parse("dtk-24.04"), None);
    }

    #[test]
    fn a_rule_holds_from_since_and_before_until() {
        let (since, until) = (v("6.2"), v("7.0"));
        assert_eq!(unmet(Some(&since), None, &v("6.2")), None);
        assert_eq!(
            unmet(Some(&since), None, &v("5.7")),
            Some(Unmet::Needs(&since))
        );
        assert_eq!(unmet(None, Some(&until), &v("6.4")), None);
        assert_eq!(
            unmet(None, Some(&until), &v("7.0")),
            Some(Unmet::GoneIn(&until))
        );
        assert_eq!(unmet(None, None, &v("1.0")), None);
    }
}
