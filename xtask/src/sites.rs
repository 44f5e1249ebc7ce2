//! The findings of a `migscan --format json` report as the xtasks that
//! score it read them: target, path, line and rule.

use serde_json::Value;

/// Where one finding is, and what found it.
pub struct Site<'r> {
    /// `ascend`, `hygon`, ...
    pub target: &'r str,
    /// The path as the report names it.
    pub path: &'r str,
    /// 1-based line.
    pub line: usize,
    /// The full rule id.
    pub rule: &'r str,
}

/// The findings of `report`; entries missing a field are left out.
pub fn sites(report: &Value) -> impl Iterator<Item = Site<'_>> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|finding| {
            Some(Site {
                target: finding["target"].as_str()?,
                path: finding["path"].as_str()?,
                line: usize::try_from(finding["line"].as_u64()?).ok()?,
                rule: finding["rule_id"].as_str()?,
            })
        })
}
