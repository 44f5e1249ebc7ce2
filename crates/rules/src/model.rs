//! Rules as the rest of migscan sees them, after validation.

use crate::stack::StackVersion;
use migscan_core::{Confidence, Severity, Status, Step, Target, UsageKind};
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
    /// C/C++ and Rust identifiers.
    Symbol,
    /// Included headers.
    Include,
    /// Kernel definitions (`kernel-definition`), launches (`kernel-launch`)
    /// and unnamed constructs (`inline-asm`, `full-warp-mask`, ...).
    Construct,
    /// Dependencies in requirements and manifests.
    Package,
    /// Container base images.
    Image,
    /// Cluster resources.
    Resource,
    /// Programs run from scripts.
    Command,
    /// Build-system settings and compiler flags.
    Setting,
    /// Vendored third-party libraries, by name (`cutlass`, `deep_gemm`).
    Vendored,
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
            UsageKind::Symbol => Selector::Symbol,
            UsageKind::Include => Selector::Include,
            UsageKind::KernelDef
            | UsageKind::KernelLaunch
            | UsageKind::Construct
            | UsageKind::ModelRef => Selector::Construct,
            UsageKind::Package => Selector::Package,
            UsageKind::Image => Selector::Image,
            UsageKind::Resource => Selector::Resource,
            UsageKind::Command => Selector::Command,
            UsageKind::BuildSetting => Selector::Setting,
            UsageKind::Vendored => Selector::Vendored,
        }
    }

    /// The string a selector compares for a usage of `kind` named `name`:
    /// the construct id for kernels, the name for everything else.
    pub fn name_key(kind: UsageKind, name: &str) -> &str {
        match kind {
            UsageKind::KernelDef => "kernel-definition",
            UsageKind::KernelLaunch => "kernel-launch",
            _ => name,
        }
    }

    /// Whether rules of this selector may set `prefix = true`.
    pub fn allows_prefix(self) -> bool {
        !matches!(
            self,
            Selector::Method
                | Selector::Member
                | Selector::Device
                | Selector::Backend
                | Selector::Construct
                | Selector::Command
        )
    }

    /// Every selector, in the order `match` keys are documented.
    pub const ALL: [Selector; 15] = [
        Selector::Name,
        Selector::Method,
        Selector::Member,
        Selector::Device,
        Selector::Backend,
        Selector::Env,
        Selector::Symbol,
        Selector::Include,
        Selector::Construct,
        Selector::Package,
        Selector::Image,
        Selector::Resource,
        Selector::Command,
        Selector::Setting,
        Selector::Vendored,
    ];

    /// The key of the `match` table that selects this.
    pub fn key(self) -> &'static str {
        match self {
            Selector::Name => "name",
            Selector::Method => "method",
            Selector::Member => "member",
            Selector::Device => "device",
            Selector::Backend => "backend",
            Selector::Env => "env",
            Selector::Symbol => "symbol",
            Selector::Include => "include",
            Selector::Construct => "construct",
            Selector::Package => "package",
            Selector::Image => "image",
            Selector::Resource => "resource",
            Selector::Command => "command",
            Selector::Setting => "setting",
            Selector::Vendored => "vendored",
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
    /// it (`torch.cuda` matches `torch.cuda.amp.autocast`); for symbols, an
    /// identifier prefix followed by anything but a lower-case letter
    /// (`cuda` matches `cudaMemcpy`, not `cudaify`); otherwise a plain string
    /// prefix (`NCCL_`, `nvidia/cuda`).
    pub prefix: bool,
    /// Names under a prefix that this rule leaves to others or to nobody.
    pub except: Vec<String>,
    /// For names: only these usage kinds (all name kinds when empty).
    pub kinds: Vec<UsageKind>,
}

impl Matcher {
    /// The kind of change a match stands for, which bounds its price
    /// (`[ceiling]` in `rules/effort.toml`): an environment variable, a
    /// build setting or flag, a program, an image, a cluster resource, a
    /// device intrinsic (a `__`-prefixed C/C++ symbol such as `__hmax2`), a
    /// constant (an upper-case C/C++ name such as `CUBLASLT_ORDER_COL32`:
    /// an enum value or flag, replaced by another value where it is used),
    /// or an API.
    pub fn change_kind(&self) -> &'static str {
        match self.selector {
            Selector::Env => "env",
            Selector::Setting => "setting",
            Selector::Command => "command",
            Selector::Image => "image",
            Selector::Resource => "resource",
            Selector::Symbol if self.value.starts_with("__") => "intrinsic",
            Selector::Symbol if is_constant_name(&self.value) => "constant",
            _ => "api",
        }
    }
}

/// `CUBLAS_OP_N`, `cudaDeviceProp::CUDA_R_16F`: an upper-case name with an
/// underscore, as C and C++ write enum values and constants.
fn is_constant_name(value: &str) -> bool {
    let last = value.rsplit("::").find(|s| !s.is_empty()).unwrap_or(value);
    last.contains('_')
        && last.starts_with(|c: char| c.is_ascii_uppercase())
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
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
    /// What to write instead, if anything. In a prefix rule, `{suffix}`
    /// stands for what follows the prefix (`hip{suffix}`: `cudaMemcpy` →
    /// `hipMemcpy`).
    pub replacement: Option<String>,
    /// The migration step the change belongs to.
    pub step: Step,
    /// Effort class from the effort model.
    pub effort: String,
    /// What the finding tells the user.
    pub message: String,
    /// How the facts were established (vendor-list entries, counts in a
    /// reference repository): for reviewers and `migscan explain`, never
    /// in a finding.
    pub notes: Option<String>,
    /// The public source of the rule's facts.
    pub source: String,
    /// How sure the facts are.
    pub confidence: Confidence,
    /// Where the rule is defined.
    pub location: RuleLocation,
    /// A severity set by configuration, instead of the status's default.
    pub severity_override: Option<Severity>,
    /// Code the rule must or must not match (`migscan rules check`).
    pub examples: Vec<Example>,
    /// The adapter this rule's change adopts (MindSpeed's
    /// `megatron_adaptor` for Megatron on Ascend): one change however many
    /// APIs it matches, since the adapter patches them all at import.
    pub adapter: Option<String>,
    /// The adapter that makes this rule's change where the project adopts
    /// it (a rule of the same pack declares it with `adapter`).
    pub covered_by: Option<String>,
    /// The pack's runtime shim makes this change at run time (`.cuda()` →
    /// `.npu()` under `transfer_to_npu`).
    pub runtime_shim: bool,
    /// The first version of the pack's stack the rule holds for (`HIP
    /// 6.2` for `__nv_cvt_fp8_to_halfraw` → `__hip_cvt_fp8_to_halfraw`).
    pub since: Option<StackVersion>,
    /// The first version it no longer holds for.
    pub until: Option<StackVersion>,
}

/// A rule test: code in a language, and whether the rule must match it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Example {
    /// Frontend language name (`python`, `cpp`, `shell`, ...).
    pub language: String,
    /// The code.
    pub code: String,
    /// Whether the rule must match somewhere in it.
    pub matches: bool,
    /// 1-based line of the example in the rule file.
    pub line: u32,
}

impl Rule {
    /// The severity of the rule's findings: configured, or the status's default.
    pub fn severity(&self) -> Severity {
        self.severity_override.unwrap_or(self.status.severity())
    }

    /// The replacement for one matched name, with `{suffix}` filled in.
    pub fn replacement_for(&self, matched: &str) -> Option<String> {
        let replacement = self.replacement.as_deref()?;
        if !replacement.contains("{suffix}") {
            return Some(replacement.to_string());
        }
        let name = matched.rsplit("::").next().unwrap_or(matched);
        let suffix = [matched, name]
            .into_iter()
            .find_map(|n| n.strip_prefix(self.matcher.value.as_str()))
            .unwrap_or(name);
        Some(replacement.replace("{suffix}", suffix))
    }
}
