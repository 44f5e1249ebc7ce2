use crate::Span;
use serde::{Deserialize, Serialize};

/// What kind of use of a name a frontend saw.
///
/// Rules select usages by kind; see `docs/rules.md` for which rule `match`
/// keys select which kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsageKind {
    /// A module or a name imported from one (`import flash_attn`,
    /// `from torch.cuda.amp import GradScaler`): the qualified name imported.
    Import,
    /// A call of a resolved qualified name (`torch.cuda.synchronize()`).
    Call,
    /// A reference to a resolved qualified name that is not called
    /// (`torch.float64`, `torch.backends.cudnn.benchmark = True`).
    Attribute,
    /// A decorator naming a resolved qualified name (`@torch.compile`).
    Decorator,
    /// A method called on a receiver whose type is unknown (`x.cuda()`): the
    /// method name.
    Method,
    /// An attribute read on a receiver whose type is unknown (`x.is_cuda`).
    Member,
    /// A string in a device position (`device="cuda:0"`): the device type
    /// before any `:index`.
    DeviceString,
    /// A string in a distributed-backend position (`backend="nccl"`).
    BackendString,
    /// An environment variable read or written (`os.environ["CUDA_VISIBLE_DEVICES"]`).
    EnvVar,
}

impl UsageKind {
    /// Kebab-case name used in JSON output and rule documentation.
    pub fn as_str(self) -> &'static str {
        match self {
            UsageKind::Import => "import",
            UsageKind::Call => "call",
            UsageKind::Attribute => "attribute",
            UsageKind::Decorator => "decorator",
            UsageKind::Method => "method",
            UsageKind::Member => "member",
            UsageKind::DeviceString => "device-string",
            UsageKind::BackendString => "backend-string",
            UsageKind::EnvVar => "env-var",
        }
    }

    /// Whether the usage's name is a resolved, dotted qualified name.
    pub fn is_qualified(self) -> bool {
        matches!(
            self,
            UsageKind::Import | UsageKind::Call | UsageKind::Attribute | UsageKind::Decorator
        )
    }
}

/// One language-neutral fact a frontend extracted from a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usage {
    /// What kind of use this is.
    pub kind: UsageKind,
    /// The qualified name, method name, string value or variable name.
    pub name: String,
    /// Where it is; for strings, the string literal.
    pub span: Span,
}
