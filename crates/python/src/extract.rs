//! Second pass: walk the tree and emit usages, resolving names through the
//! bindings of the first pass.

use crate::bindings::{dotted, text, Bindings, MODULE_SCOPE};
use crate::capability::CapabilityGates;
use crate::positions::{
    is_device_name, BACKEND_FIRST_ARG, BACKEND_KEYWORDS, CUDA_ARCH_LIST, CUDA_DEFAULT_AUTOCAST,
    CUDA_DEFAULT_AUTOCAST_CALLS, CUDA_SOURCE, C_API_PREFIXES, DEVICE_FIRST_ARG,
    DEVICE_FIRST_ARG_METHODS, DEVICE_KEYWORDS, ENVIRON, ENV_FIRST_ARG, KERNEL_DECORATORS,
    LINK_FLAG_KEYWORDS, NVCC_ARGS, NVCC_ONLY_FLAGS, NVIDIA_SMI_OPTIONS, NVIDIA_TOOLS,
    TRITON_LAUNCH_KEYWORDS, WITH_CUDA,
};
use crate::strings::{
    backend_names, device_type, env_name, is_cuda_arch_list, is_sized_model_id, literal_prefix,
    literal_suffix, string_leaves,
};
use crate::KindName;
use crate::FIELD;
use migscan_core::{
    normalize_package, requirement_spec, FunctionDef, LineIndex, PlatformBranch, Usage, UsageKind,
    CAPABILITY_GATE,
};
use migscan_syntax::FieldChild;
use std::ops::Range;
use tree_sitter::Node;

/// What one walk finds besides usages.
pub struct Found {
    /// Usages, in walk order.
    pub usages: Vec<Usage>,
    /// Byte ranges of C/C++ source held in strings.
    pub cpp_sources: Vec<Range<usize>>,
    /// Code that runs on one platform only.
    pub platform_branches: Vec<PlatformBranch>,
    /// Optional integrations.
    pub optional_ranges: Vec<Range<usize>>,
    /// Bodies of kernels written in a Python kernel language.
    pub kernel_ranges: Vec<Range<usize>>,
    /// The functions defined.
    pub functions: Vec<FunctionDef>,
}

/// Emits every usage under `root`, the byte ranges of C/C++ source held in
/// its strings, its platform branches and its optional ranges; `lines`
/// indexes `source`.
pub fn usages<'s>(root: Node, source: &'s str, bindings: &Bindings, lines: LineIndex<'s>) -> Found {
    let mut extractor = Extractor {
        source,
        bindings,
        lines,
        usages: Vec::new(),
        cpp_sources: Vec::new(),
        platform_branches: Vec::new(),
        optional_ranges: Vec::new(),
        kernel_ranges: Vec::new(),
        functions: Vec::new(),
        loads_c: bindings
            .module_level()
            .any(|(_, qualified)| qualified == "ctypes" || qualified.starts_with("ctypes.")),
        capability: CapabilityGates::default(),
    };
    extractor.walk(root);
    for gate in std::mem::take(&mut extractor.capability).gates() {
        let span = extractor.lines.span(gate.start, gate.end);
        let usage = Usage::new(UsageKind::Construct, CAPABILITY_GATE.to_string(), span);
        extractor.usages.push(usage);
    }
    Found {
        usages: extractor.usages,
        cpp_sources: extractor.cpp_sources,
        platform_branches: extractor.platform_branches,
        optional_ranges: extractor.optional_ranges,
        kernel_ranges: extractor.kernel_ranges,
        functions: extractor.functions,
    }
}

/// How the parent uses an expression; decides the usage kind of a name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Callee,
    Decorator,
}

/// A node still to visit, with its scope and role.
type Frame<'t> = (Node<'t>, usize, Role);

/// What a call calls, as far as the file tells.
enum Callee<'s> {
    Qualified(String),
    Method(&'s str),
    Opaque,
}

/// Calls that load a model by its hub id (the last segment of the name).
const MODEL_LOADERS: &[&str] = &[
    "from_pretrained",
    "pipeline",
    "LLM",
    "AsyncLLMEngine",
    "snapshot_download",
    "load_model",
];

/// Keyword arguments that name the model any call loads.
const MODEL_KEYWORDS: &[&str] = &[
    "model",
    "model_id",
    "model_name",
    "model_name_or_path",
    "pretrained_model_name_or_path",
];

/// What a string in a recognised position names.
#[derive(Clone, Copy)]
enum StringPosition {
    Device,
    Backend,
    Env,
}

struct Extractor<'s, 'b> {
    source: &'s str,
    bindings: &'b Bindings,
    lines: LineIndex<'s>,
    usages: Vec<Usage>,
    cpp_sources: Vec<Range<usize>>,
    platform_branches: Vec<PlatformBranch>,
    optional_ranges: Vec<Range<usize>>,
    kernel_ranges: Vec<Range<usize>>,
    functions: Vec<FunctionDef>,
    /// Whether the module imports `ctypes`, so strings can name C functions.
    loads_c: bool,
    capability: CapabilityGates,
}

impl<'s> Extractor<'s, '_> {
    fn walk<'t>(&mut self, root: Node<'t>) {
        let mut stack: Vec<Frame<'t>> = vec![(root, MODULE_SCOPE, Role::Plain)];
        let mut cursor = root.walk();
        while let Some((node, scope, role)) = stack.pop() {
            let mut push_all = |stack: &mut Vec<Frame<'t>>, node: Node<'t>, scope| {
                stack.extend(
                    node.named_children(&mut cursor)
                        .map(|c| (c, scope, Role::Plain)),
                );
            };
            match node.kind_name() {
                "comment" => {}
                // Only the code inside f-string interpolations is code; an
                // nvcc-only flag or an NVIDIA program counts wherever it stands.
                "string" => {
                    // Read once: every string of the file passes here.
                    if let Some(text) = literal_prefix(node, self.source) {
                        self.nvcc_only_flag(node, text);
                        self.nvidia_tool(node, text);
                        self.cuda_source(node, text);
                        self.cuda_arch_list(node, text);
                        self.cpp_source(node, text);
                        self.c_function(node, text);
                        self.requirement(text);
                    }
                    if let Some(tail) = literal_suffix(node, self.source) {
                        self.nvidia_tool(node, tail);
                    }
                    push_all(&mut stack, node, scope);
                }
                "string_content" | "string_start" | "string_end" => {}
                // A name formatted into text (`f"built with CUDA
                // {torch.version.cuda}"`) is shown, not used: it reads
                // the same on every platform. Calls in an interpolation run.
                "interpolation" => {
                    let shown = node
                        .named_child(0)
                        .is_some_and(|e| matches!(e.kind_name(), "identifier" | "attribute"));
                    if !shown {
                        push_all(&mut stack, node, scope);
                    }
                }
                "import_statement" | "import_from_statement" => self.imports(node),
                "function_definition" => {
                    if let Some(name) = node.field(FIELD.name) {
                        self.functions.push(FunctionDef {
                            name: text(name, self.source).to_string(),
                            range: node.byte_range(),
                        });
                    }
                    if let Some(params) = node.field(FIELD.parameters) {
                        stack.push((params, scope, Role::Plain));
                    }
                    if let Some(ret) = node.field(FIELD.return_type) {
                        stack.push((ret, scope, Role::Plain));
                    }
                    if let Some(body) = node.field(FIELD.body) {
                        stack.push((body, node.id(), Role::Plain));
                    }
                }
                "parameters" => self.parameters(node, scope, &mut stack),
                "lambda_parameters" => {}
                "keyword_argument" => {
                    if let Some(value) = node.field(FIELD.value) {
                        stack.push((value, scope, Role::Plain));
                    }
                }
                "decorated_definition" => {
                    self.python_kernel(node, scope);
                    push_all(&mut stack, node, scope);
                }
                "decorator" => {
                    if let Some(expr) = node.named_child(0) {
                        stack.push((expr, scope, Role::Decorator));
                    }
                }
                "call" => {
                    self.call(node, scope);
                    if let Some(function) = node.field(FIELD.function) {
                        let role = if role == Role::Decorator {
                            Role::Decorator
                        } else {
                            Role::Callee
                        };
                        stack.push((function, scope, role));
                    }
                    if let Some(args) = node.field(FIELD.arguments) {
                        stack.push((args, scope, Role::Plain));
                    }
                }
                "identifier" | "attribute" => {
                    if let Some(object) = self.name(node, scope, role) {
                        stack.push((object, scope, Role::Plain));
                    }
                }
                "subscript" => {
                    self.environ_subscript(node, scope);
                    push_all(&mut stack, node, scope);
                }
                "if_statement" => {
                    crate::platform::if_branches(
                        node,
                        scope,
                        self.bindings,
                        self.source,
                        &mut self.platform_branches,
                    );
                    self.optional_ranges
                        .extend(crate::optional::optional_if(node, self.source));
                    push_all(&mut stack, node, scope);
                }
                "try_statement" => {
                    self.optional_ranges
                        .extend(crate::optional::optional_try(node, self.source));
                    push_all(&mut stack, node, scope);
                }
                "comparison_operator" => {
                    self.comparison(node, scope);
                    self.capability
                        .comparison(node, scope, self.bindings, self.source);
                    push_all(&mut stack, node, scope);
                }
                "assignment" | "augmented_assignment" => {
                    self.assignment(node);
                    self.capability
                        .assignment(node, scope, self.bindings, self.source);
                    // Bare names on the left are rebound, not used
                    // (`flash_attn_func = None` after a failed import,
                    // `pad_input, unpad_input = _pad, _unpad`).
                    let mut cursor = node.walk();
                    for child in node.named_children(&mut cursor) {
                        let is_left = node.field(FIELD.left).is_some_and(|l| l.id() == child.id());
                        let rebound = is_left && only_names(child);
                        if !rebound {
                            stack.push((child, scope, Role::Plain));
                        }
                    }
                }
                _ => push_all(&mut stack, node, scope),
            }
        }
    }

    /// A function a kernel decorator compiles (`@triton.jit def k(...)`):
    /// one construct at its name, weighed by its lines, and the whole
    /// definition noted so what it uses is priced with the kernel.
    fn python_kernel(&mut self, node: Node, scope: usize) {
        let Some(function) = node
            .field(FIELD.definition)
            .filter(|d| d.kind_name() == "function_definition")
        else {
            return;
        };
        let mut cursor = node.walk();
        let construct = node
            .named_children(&mut cursor)
            .filter(|child| child.kind_name() == "decorator")
            .filter_map(|decorator| {
                let expr = decorator.named_child(0)?;
                // `@triton.jit(do_not_specialize=...)` names it through a call.
                let callee = match expr.kind_name() {
                    "call" => expr.field(FIELD.function)?,
                    _ => expr,
                };
                let name = self.bindings.qualify(scope, callee, self.source)?;
                KERNEL_DECORATORS
                    .iter()
                    .find(|(decorator, _)| {
                        name.strip_suffix(decorator)
                            .is_some_and(|head| head.is_empty() || head.ends_with('.'))
                    })
                    .map(|&(_, construct)| construct)
            })
            .next();
        let (Some(construct), Some(name)) = (construct, function.field(FIELD.name)) else {
            return;
        };
        let lines = function.end_position().row - function.start_position().row + 1;
        let span = self.lines.span(name.start_byte(), name.end_byte());
        let mut usage = Usage::new(UsageKind::Construct, construct, span);
        usage.weight = u32::try_from(lines).unwrap_or(u32::MAX);
        self.usages.push(usage);
        // Decorators and signature too: `@triton.autotune(configs=...)` and
        // `BLOCK: tl.constexpr` belong to the kernel.
        self.kernel_ranges.push(node.start_byte()..node.end_byte());
    }

    fn emit(&mut self, kind: UsageKind, name: String, node: Node) {
        let span = self.lines.span(node.start_byte(), node.end_byte());
        self.usages.push(Usage::new(kind, name, span));
    }

    fn imports(&mut self, node: Node) {
        let mut cursor = node.walk();
        if node.kind_name() == "import_statement" {
            for name in node.children_by_field_id(FIELD.name, &mut cursor) {
                let target = match name.kind_name() {
                    "aliased_import" => name.field(FIELD.name),
                    _ => Some(name),
                };
                if let Some(target) = target {
                    self.emit(UsageKind::Import, dotted(target, self.source), target);
                }
            }
            return;
        }
        let Some(module) = node
            .field(FIELD.module_name)
            .filter(|m| m.kind_name() == "dotted_name")
        else {
            return;
        };
        let module_name = dotted(module, self.source);
        let mut any = false;
        for name in node.children_by_field_id(FIELD.name, &mut cursor) {
            let target = match name.kind_name() {
                "aliased_import" => name.field(FIELD.name),
                _ => Some(name),
            };
            if let Some(target) = target {
                let qualified = format!("{module_name}.{}", dotted(target, self.source));
                self.emit(UsageKind::Import, qualified, target);
                any = true;
            }
        }
        if !any {
            // `from torch.cuda import *`
            self.emit(UsageKind::Import, module_name, module);
        }
    }

    /// Parameters are bindings, not uses; only annotations and defaults are
    /// code, and the default of a `device` or `backend` parameter is a
    /// device or backend string.
    fn parameters<'t>(&mut self, node: Node<'t>, scope: usize, stack: &mut Vec<Frame<'t>>) {
        let mut cursor = node.walk();
        for param in node.named_children(&mut cursor) {
            if let Some(ty) = param.field(FIELD.r#type) {
                stack.push((ty, scope, Role::Plain));
            }
            if let Some(value) = param.field(FIELD.value) {
                let name = param.field(FIELD.name).map(|n| text(n, self.source));
                match name {
                    Some(name) if is_device_name(name) => {
                        self.strings(value, StringPosition::Device)
                    }
                    Some(name) if BACKEND_KEYWORDS.contains(&name) => {
                        self.strings(value, StringPosition::Backend)
                    }
                    _ => {}
                }
                stack.push((value, scope, Role::Plain));
            }
        }
    }

    /// Emits the usage of an identifier or attribute chain. Returns the
    /// receiver still to walk when the chain does not resolve.
    fn name<'t>(&mut self, node: Node<'t>, scope: usize, role: Role) -> Option<Node<'t>> {
        // `ext(...)` after `ext = CUDAExtension` uses what the assignment
        // already named, where it is reported; `amp.autocast` through
        // `amp = torch.cuda.amp` names something new.
        if node.kind_name() == "identifier"
            && self
                .bindings
                .is_reported_where_bound(scope, node, self.source)
        {
            return None;
        }
        if let Some(qualified) = self.bindings.qualify(scope, node, self.source) {
            let kind = match role {
                Role::Plain => UsageKind::Attribute,
                Role::Callee => UsageKind::Call,
                Role::Decorator => UsageKind::Decorator,
            };
            self.emit(kind, qualified, node);
            return None;
        }
        // The chain's root is no bound name, so no shorter chain on the same
        // root resolves either: each attribute is a member (the outermost a
        // method when called), emitted in one pass down the chain. Asking
        // again for every link would be quadratic in the chain's length.
        let mut node = node;
        let mut kind = match role {
            Role::Plain => UsageKind::Member,
            Role::Callee | Role::Decorator => UsageKind::Method,
        };
        while node.kind_name() == "attribute" {
            let attr = node.field(FIELD.attribute)?;
            self.emit(kind, text(attr, self.source).to_string(), attr);
            node = node.field(FIELD.object)?;
            kind = UsageKind::Member;
        }
        // An unbound identifier is nothing; a call or subscript at the root
        // is walked as usual.
        (node.kind_name() != "identifier").then_some(node)
    }

    fn callee(&self, node: Node, scope: usize) -> Callee<'s> {
        if let Some(qualified) = self.bindings.qualify(scope, node, self.source) {
            return Callee::Qualified(qualified);
        }
        match node.kind_name() {
            "attribute" => node
                .field(FIELD.attribute)
                .map_or(Callee::Opaque, |a| Callee::Method(text(a, self.source))),
            _ => Callee::Opaque,
        }
    }

    /// `getattr(torch.cuda, "nvtx", None)`, `hasattr(torch._C,
    /// "_cuda_clearCublasWorkspaces")`: an attribute named by a string is
    /// used like one written out. `getattr` fetches it; `hasattr` only probes,
    /// which counts where the probe is of PyTorch's CUDA namespaces (the code
    /// around it is the CUDA path), not a feature test like `hasattr(torch,
    /// "compile")` or `hasattr(te, "__version__")`.
    fn attribute_by_name(&mut self, function: Node, args: Node, scope: usize) {
        let builtin = match (function.kind_name(), text(function, self.source)) {
            ("identifier", "getattr") => Some(false),
            ("identifier", "hasattr") => Some(true),
            _ => None,
        };
        let Some(probe) = builtin else {
            return;
        };
        let (Some(object), Some(attr)) = (args.named_child(0), args.named_child(1)) else {
            return;
        };
        if attr.kind_name() != "string" {
            return;
        }
        let Some(name) = literal_prefix(attr, self.source) else {
            return;
        };
        let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let Some(object) = self.bindings.qualify(scope, object, self.source) else {
            return;
        };
        let cuda_namespace = ["torch.cuda", "torch._C", "torch.backends"]
            .iter()
            .any(|ns| {
                object
                    .strip_prefix(ns)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            });
        if identifier && (!probe || cuda_namespace) {
            self.emit(UsageKind::Attribute, format!("{object}.{name}"), attr);
        }
    }

    /// Strings in the device, backend and environment positions of a call.
    fn call(&mut self, node: Node, scope: usize) {
        let (Some(function), Some(args)) =
            (node.field(FIELD.function), node.field(FIELD.arguments))
        else {
            return;
        };
        if args.kind_name() != "argument_list" {
            return;
        }
        let callee = self.callee(function, scope);
        if matches!(callee, Callee::Opaque) {
            self.attribute_by_name(function, args, scope);
        }
        if let Callee::Qualified(name) = &callee {
            self.cuda_default_autocast(name, node, args);
        }
        let first_position = match &callee {
            Callee::Qualified(name) if DEVICE_FIRST_ARG.contains(&name.as_str()) => {
                Some(StringPosition::Device)
            }
            Callee::Qualified(name) if BACKEND_FIRST_ARG.contains(&name.as_str()) => {
                Some(StringPosition::Backend)
            }
            Callee::Qualified(name) if ENV_FIRST_ARG.contains(&name.as_str()) => {
                Some(StringPosition::Env)
            }
            Callee::Method(name) if DEVICE_FIRST_ARG_METHODS.contains(name) => {
                Some(StringPosition::Device)
            }
            _ => None,
        };
        let device_flag =
            matches!(callee, Callee::Method("add_argument")) && self.names_device_flag(args);
        let mut cursor = args.walk();
        let mut positional = 0;
        let called = match &callee {
            Callee::Qualified(name) => name.rsplit('.').next(),
            Callee::Method(name) => Some(*name),
            Callee::Opaque => None,
        };
        let loads_model = called.is_some_and(|name| MODEL_LOADERS.contains(&name));
        for arg in args.named_children(&mut cursor) {
            self.model_refs(arg, loads_model);
            match arg.kind_name() {
                "keyword_argument" => {
                    let (Some(key), Some(value)) = (arg.field(FIELD.name), arg.field(FIELD.value))
                    else {
                        continue;
                    };
                    let key = text(key, self.source);
                    if key == "extra_compile_args" {
                        self.nvcc_flags_in_dict(value);
                    } else if key == "extra_cuda_cflags" {
                        self.emit(UsageKind::BuildSetting, NVCC_ARGS.to_string(), arg);
                        self.compiler_flags(value);
                    } else if LINK_FLAG_KEYWORDS.contains(&key) {
                        self.compiler_flags(value);
                    } else if key == "with_cuda" && !matches!(value.kind_name(), "false" | "none") {
                        self.emit(UsageKind::BuildSetting, WITH_CUDA.to_string(), arg);
                    } else if DEVICE_KEYWORDS.contains(&key) || (device_flag && key == "default") {
                        self.strings(value, StringPosition::Device);
                    } else if BACKEND_KEYWORDS.contains(&key) {
                        self.strings(value, StringPosition::Backend);
                    } else if let Some((_, construct)) =
                        TRITON_LAUNCH_KEYWORDS.iter().find(|(k, _)| *k == key)
                    {
                        self.emit(UsageKind::Construct, construct.to_string(), arg);
                    }
                }
                "comment" | "list_splat" | "dictionary_splat" => {}
                _ => {
                    if positional == 0 {
                        if let Some(position) = first_position {
                            self.strings(arg, position);
                        }
                    }
                    positional += 1;
                }
            }
        }
    }

    /// `torch.is_autocast_enabled()`, `torch.set_autocast_enabled(True)`:
    /// the deprecated forms without a device type read and set CUDA's
    /// autocast state (PyTorch's `torch/csrc/autograd/init.cpp` defaults to
    /// `at::kCUDA`), whatever device the code runs on.
    fn cuda_default_autocast(&mut self, name: &str, call: Node, args: Node) {
        let Some(&(_, arity)) = CUDA_DEFAULT_AUTOCAST_CALLS.iter().find(|(n, _)| *n == name) else {
            return;
        };
        let mut cursor = args.walk();
        let arguments: Vec<Node> = args
            .named_children(&mut cursor)
            .filter(|a| a.kind_name() != "comment")
            .collect();
        let positional_only = arguments
            .iter()
            .all(|a| a.kind_name() != "keyword_argument");
        if positional_only && arguments.len() == arity {
            self.emit(
                UsageKind::Construct,
                CUDA_DEFAULT_AUTOCAST.to_string(),
                call,
            );
        }
    }

    /// Whether an `add_argument(...)` call declares a device option
    /// (`"--device"`, `"--device-type"`): its `default=` is then a device.
    fn names_device_flag(&self, args: Node) -> bool {
        let mut cursor = args.walk();
        let found = args.named_children(&mut cursor).any(|arg| {
            literal_prefix(arg, self.source).is_some_and(|flag| {
                let flag = flag.trim_start_matches('-').replace('-', "_");
                is_device_name(&flag)
            })
        });
        found
    }

    /// Emits the strings an expression in `position` can evaluate to.
    fn strings(&mut self, expr: Node, position: StringPosition) {
        for leaf in string_leaves(expr, self.source) {
            let Some(value) = literal_prefix(leaf, self.source) else {
                continue;
            };
            match position {
                StringPosition::Device => {
                    if let Some(kind) = device_type(value) {
                        self.emit(UsageKind::DeviceString, kind, leaf);
                    }
                }
                StringPosition::Backend => {
                    let names: Vec<String> = backend_names(value).collect();
                    for name in names {
                        self.emit(UsageKind::BackendString, name, leaf);
                    }
                }
                StringPosition::Env => {
                    if let Some(name) = env_name(value) {
                        self.emit(UsageKind::EnvVar, name.to_string(), leaf);
                    }
                }
            }
        }
    }

    fn is_environ(&self, node: Node, scope: usize) -> bool {
        self.bindings.qualify(scope, node, self.source).as_deref() == Some(ENVIRON)
    }

    /// `os.environ["CUDA_VISIBLE_DEVICES"]`
    fn environ_subscript(&mut self, node: Node, scope: usize) {
        let Some(value) = node.field(FIELD.value) else {
            return;
        };
        if !self.is_environ(value, scope) {
            return;
        }
        if let Some(key) = node.field(FIELD.subscript) {
            self.strings(key, StringPosition::Env);
        }
    }

    /// `"NCCL_DEBUG" in os.environ` names a variable; `x.device.type == "cuda"`
    /// and `device in ("cuda", "xpu")` compare against device strings.
    fn comparison(&mut self, node: Node, scope: usize) {
        let mut cursor = node.walk();
        let operands: Vec<Node> = node.named_children(&mut cursor).collect();
        let position = if operands.iter().any(|&o| self.is_environ(o, scope)) {
            StringPosition::Env
        } else if operands.iter().any(|&o| self.holds_device(o)) {
            StringPosition::Device
        } else {
            return;
        };
        for operand in operands {
            self.strings(operand, position);
        }
    }

    /// Whether an expression reads a device: `device`, `args.device`,
    /// `x.device.type`, `self.device_type`.
    fn holds_device(&self, expr: Node) -> bool {
        let last = match expr.kind_name() {
            "identifier" => Some(expr),
            "attribute" => expr.field(FIELD.attribute),
            _ => None,
        };
        let Some(last) = last else {
            return false;
        };
        let name = text(last, self.source);
        if is_device_name(name) {
            return true;
        }
        name == "type"
            && expr
                .field(FIELD.object)
                .is_some_and(|o| self.holds_device(o))
    }

    /// `device = "cuda"`, `self.device_type = "cuda"`, `nvcc_flags = [...]`.
    fn assignment(&mut self, node: Node) {
        let (Some(left), Some(right)) = (node.field(FIELD.left), node.field(FIELD.right)) else {
            return;
        };
        // `model_id = "Qwen/Qwen2.5-7B"` names the model a script loads;
        // `_CHECKPOINT_FOR_DOC = ...` names one for documentation.
        let names_model = {
            let target = text(left, self.source).to_ascii_lowercase();
            target.contains("model") && !target.contains("doc")
        };
        if names_model {
            // Also a call's arguments: `os.environ.get("MODEL", "Qwen/...")`.
            let arguments = (right.kind_name() == "call")
                .then(|| right.field(FIELD.arguments))
                .flatten();
            let mut cursor = right.walk();
            let values: Vec<Node> = match arguments {
                Some(args) => args.named_children(&mut cursor).collect(),
                None => vec![right],
            };
            for value in values {
                self.model_refs(value, true);
            }
        }
        if self.holds_device(left) {
            self.strings(right, StringPosition::Device);
        } else if text(left, self.source)
            .to_ascii_lowercase()
            .contains("nvcc")
        {
            self.compiler_flags(right);
        }
    }

    /// Hub model ids with a size among the strings of an argument or
    /// assigned value (`from_pretrained("Qwen/Qwen2.5-7B")`, `MODEL = "..."`).
    /// A sized model id a loading call takes (`from_pretrained("...")`,
    /// `LLM(model="...")`), or assigned to a model variable (`loads`).
    fn model_refs(&mut self, expr: Node, loads: bool) {
        let value = match expr.kind_name() {
            "keyword_argument" => {
                let key = expr
                    .field(FIELD.name)
                    .map(|k| text(k, self.source))
                    .unwrap_or_default();
                if !(loads || MODEL_KEYWORDS.contains(&key)) {
                    return;
                }
                expr.field(FIELD.value)
            }
            _ if loads => Some(expr),
            _ => None,
        };
        // Model ids are plain string literals; anything else is skipped
        // without walking it (this runs for every argument of every call).
        let Some(leaf) = value.filter(|v| v.kind_name() == "string") else {
            return;
        };
        if let Some(text) = literal_prefix(leaf, self.source).filter(|t| is_sized_model_id(t)) {
            self.emit(UsageKind::ModelRef, text.to_string(), leaf);
        }
    }

    /// `extra_compile_args={"cxx": [...], "nvcc": [...]}`: the nvcc flags.
    fn nvcc_flags_in_dict(&mut self, value: Node) {
        if value.kind_name() != "dictionary" {
            return;
        }
        let mut cursor = value.walk();
        for pair in value.named_children(&mut cursor) {
            let (Some(key), Some(flags)) = (pair.field(FIELD.key), pair.field(FIELD.value)) else {
                continue;
            };
            if literal_prefix(key, self.source) == Some("nvcc") {
                self.compiler_flags(flags);
            }
        }
    }

    /// Flags in a list of strings: `-gencode=arch=...` → `-gencode`.
    fn compiler_flags(&mut self, list: Node) {
        for leaf in string_leaves(list, self.source) {
            let Some(flag) = literal_prefix(leaf, self.source) else {
                continue;
            };
            let name = flag.split('=').next().unwrap_or(flag).trim();
            if name.starts_with('-') {
                self.emit(UsageKind::BuildSetting, name.to_string(), leaf);
            }
        }
    }

    /// `"--use_fast_math"`, `"-gencode=arch=compute_80,code=sm_80"`,
    /// `"-arch=sm_90"`: flags no compiler but nvcc takes.
    fn nvcc_only_flag(&mut self, node: Node, flag: &str) {
        if !flag.starts_with('-') {
            return;
        }
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        let arch = name == "-arch" && (value.starts_with("sm_") || value.starts_with("compute_"));
        if arch || NVCC_ONLY_FLAGS.contains(&name) {
            self.emit(UsageKind::BuildSetting, name.to_string(), node);
        }
    }

    /// `"nvidia-smi --query-gpu=name"`, `r"C:\...\NVSMI\nvidia-smi.exe"`:
    /// a program of NVIDIA's run or looked up.
    fn nvidia_tool(&mut self, node: Node, literal: &'s str) {
        // `{"nvcc": [...]}` and `args["nvcc"]` name the compiler's flags;
        // they run nothing.
        let dict_key = node.parent().is_some_and(|p| {
            p.kind_name() == "subscript"
                || p.field(FIELD.key).is_some_and(|key| key.id() == node.id())
        });
        if dict_key {
            if literal == "nvcc" {
                self.emit(UsageKind::BuildSetting, NVCC_ARGS.to_string(), node);
            }
            return;
        }
        let base = |path: &'s str| {
            let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
            name.strip_suffix(".exe").unwrap_or(name)
        };
        // The command's first word, or a whole path with spaces in it.
        let first = literal.split_whitespace().next().unwrap_or_default();
        let found = NVIDIA_TOOLS
            .iter()
            .find(|&&t| base(first) == t || base(literal.trim()) == t)
            .copied()
            .or_else(|| {
                // The option first: every string of the file passes here,
                // and the list around it can be long. Counted once per
                // command: not again beside `"nvidia-smi"`.
                let option = NVIDIA_SMI_OPTIONS.iter().any(|o| literal.starts_with(o));
                let named_beside = || {
                    node.parent()
                        .is_some_and(|list| text(list, self.source).contains("nvidia-smi"))
                };
                (option && !named_beside()).then_some("nvidia-smi")
            });
        if let Some(tool) = found {
            self.emit(UsageKind::Command, tool.to_string(), node);
        }
    }

    /// `"csrc/attn.cu"`, `glob("**/*.cu")`: a CUDA source the project
    /// builds or loads, wherever the path stands (an extension's `sources`,
    /// a glob, a list built up over a function).
    fn cuda_source(&mut self, node: Node, path: &str) {
        // A path has no spaces; prose that ends in `.cu` ("see kernel.cu") is no path.
        let is_cuda = (path.ends_with(".cu") || path.ends_with(".cuh"))
            && !path.contains(char::is_whitespace);
        if is_cuda {
            self.emit(UsageKind::Construct, CUDA_SOURCE.to_string(), node);
        }
    }

    /// `"7.0;8.0;9.0+PTX"`, `compute_caps += ";8.6"`: NVIDIA compute
    /// capabilities a build targets, wherever the list is put together.
    fn cuda_arch_list(&mut self, node: Node, text: &str) {
        if is_cuda_arch_list(text) {
            self.emit(UsageKind::Construct, CUDA_ARCH_LIST.to_string(), node);
        }
    }

    /// `load_inline(cpp_sources="""#include <nccl.h> ...""")`, a CuPy
    /// `RawKernel`'s `__global__` code: C/C++ source in a string literal,
    /// which the C++ frontend reads (the engine runs it). A docstring that
    /// shows C++ is prose, not source.
    fn cpp_source(&mut self, node: Node, text: &str) {
        let source_lines = text.lines().nth(1).is_some()
            && (text.contains("__global__")
                || text.lines().any(|l| l.trim_start().starts_with("#include")));
        let docstring = node
            .parent()
            .is_some_and(|p| p.kind_name() == "expression_statement" && p.named_child_count() == 1);
        if source_lines && !docstring {
            let start = text.as_ptr() as usize - self.source.as_ptr() as usize;
            self.cpp_sources.push(start..start + text.len());
        }
    }

    /// `"bitsandbytes>=0.43.0"`, `"trl[vllm]==0.18"`: a requirement with a
    /// version constraint, as a `setup.py`'s dependency lists and version
    /// checks write them, names the packages it installs (a bare word may
    /// be anything, so it does not count).
    fn requirement(&mut self, text: &'s str) {
        let Some(parts) = requirement_spec(text).filter(|p| p.constrained) else {
            return;
        };
        let base = text.as_ptr() as usize - self.source.as_ptr() as usize;
        for range in std::iter::once(parts.name).chain(parts.extras) {
            let span = self.lines.span(base + range.start, base + range.end);
            let name = normalize_package(&text[range]);
            self.usages.push(Usage::new(UsageKind::Package, name, span));
        }
    }

    /// `Function("cudaSetDevice", ...)`, `funcs["ncclAllReduce"]` in a
    /// module that uses `ctypes`: the C function of NVIDIA's libraries the
    /// string names, as a symbol like the C call.
    fn c_function(&mut self, node: Node, text: &str) {
        if !self.loads_c || !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return;
        }
        // `{"cudaMalloc": "hipMalloc"}`: a table of another platform's
        // names is the port, not a use.
        let table_key = node.parent().is_some_and(|pair| {
            pair.kind_name() == "pair"
                && pair.field(FIELD.key).is_some_and(|k| k.id() == node.id())
                && pair
                    .field(FIELD.value)
                    .is_some_and(|v| v.kind_name() == "string")
        });
        if table_key {
            return;
        }
        let named = C_API_PREFIXES.iter().any(|prefix| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
        if named {
            self.emit(UsageKind::Symbol, text.to_string(), node);
        }
    }
}

impl Found {
    /// The extraction of a file, its usages in source order.
    pub fn into_extraction(self, has_syntax_errors: bool) -> migscan_core::Extraction {
        migscan_core::Extraction {
            cpp_sources: self.cpp_sources,
            platform_branches: self.platform_branches,
            optional_ranges: self.optional_ranges,
            kernel_ranges: self.kernel_ranges,
            functions: self.functions,
            ..migscan_core::Extraction::normalized(self.usages, has_syntax_errors)
        }
    }
}

/// Whether an assignment target binds names only: `x`, `a, b`, `(a, [b, c])`.
fn only_names(target: Node) -> bool {
    let mut stack = vec![target];
    let mut cursor = target.walk();
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "identifier" => {}
            "pattern_list" | "tuple_pattern" | "list_pattern" | "parenthesized_expression" => {
                stack.extend(node.named_children(&mut cursor));
            }
            _ => return false,
        }
    }
    true
}
