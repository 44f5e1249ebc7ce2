//! Rules as the rest of migscan sees them, after validation.

use migscan_core::{Confidence, Status, Step, Target, UsageKind};
use serde::Serialize;

/// Which usages a matcher looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Selector {
    /// Resolved qualified names: imports, calls, attributes, decorators.
    Name,
    /// Methods called on any receiver (`x.cuda()`).
    Method,
    /// Attributes read on any receiver (`x.is_cuda`).
    Member,
    /// Device strings (`"cuda:0"` → `cuda`).
    Device,
    /// Distributed backend strings.
    Backend,
    /// Environment variable names.
    Env,
}

impl Selector {
    /// The selector that looks at usages of `kind`.
    pub fn of(kind: UsageKind) -> Selector {
        match kind {
            UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator => {
                Selector::Name
            }
            UsageKind::Method => Selector::Method,
            UsageKind::Member => Selector::Member,
            UsageKind::DeviceString => Selector::Device,
            UsageKind::BackendString => Selector::Backend,
            UsageKind::EnvVar => Selector::Env,
        }
    }

    /// The key of the `match` table that selects this.
    pub fn key(self) -> &'static str {
        match self {
            Selector::Name => "name",
            Selector::Method => "method",
            Selector::Member => "member",
            Selector::Device => "device",
            Selector::Backend => "backend",
            Selector::Env => "env",
        }
    }
}

/// What a rule matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matcher {
    /// Which usages it looks at.
    pub selector: Selector,
    /// The name, method, string or variable it matches.
    pub value: String,
    /// Whether `value` is a prefix: for names, the name and everything under
    /// it (`torch.cuda` matches `torch.cuda.amp.autocast`); for environment
    /// variables, a plain string prefix (`NCCL_`).
    pub prefix: bool,
    /// Names under a prefix that this rule leaves to others or to nobody.
    pub except: Vec<String>,
    /// For names: only these usage kinds (all name kinds when empty).
    pub kinds: Vec<UsageKind>,
}

impl Matcher {
    /// How the matcher reads in documentation: `call torch.cuda.*`.
    pub fn describe(&self) -> String {
        let kinds = if self.kinds.is_empty() {
            self.selector.key().to_string()
        } else {
            self.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join("|")
        };
        let star = match (self.prefix, self.selector) {
            (false, _) => "",
            (true, Selector::Name) => ".*",
            (true, _) => "*",
        };
        let mut text = format!("{kinds} `{}{star}`", self.value);
        if !self.except.is_empty() {
            text.push_str(&format!(" except {}", self.except.join(", ")));
        }
        text
    }
}

/// Where a rule was defined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleLocation {
    /// Path of the rule file (`rules/ascend/device.toml`), or `built-in`.
    pub file: String,
    /// 1-based line of the rule's table.
    pub line: u32,
}

/// One validated rule of a target's pack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// `<target>/<name>`.
    pub id: String,
    /// The pack it belongs to.
    pub target: Target,
    /// What it matches.
    #[serde(rename = "match")]
    pub matcher: Matcher,
    /// How matched usages fare on the target.
    pub status: Status,
    /// What to write instead, if anything.
    pub replacement: Option<String>,
    /// The migration step the change belongs to.
    pub step: Step,
    /// Effort class from the effort model.
    pub effort: String,
    /// What the finding tells the user.
    pub message: String,
    /// The public source of the rule's facts.
    pub source: String,
    /// How sure the facts are.
    pub confidence: Confidence,
    /// Where the rule is defined.
    pub location: RuleLocation,
}
