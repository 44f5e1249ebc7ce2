//! First pass: which local names stand for which qualified names.
//!
//! Imports are collected per scope (module and each function) before any
//! usage is resolved, so a function may use a module-level import that appears
//! further down the file, as Python allows. Simple aliases of resolved names
//! (`amp = torch.cuda.amp`) bind too.

use crate::KindName;
use crate::FIELD;
use migscan_syntax::FieldChild;
use rustc_hash::FxHashMap as HashMap;
use tree_sitter::Node;

/// The scope id of module-level code.
pub const MODULE_SCOPE: usize = usize::MAX;

/// Local name → qualified name, per scope.
#[derive(Debug, Default)]
pub struct Bindings {
    parents: HashMap<usize, usize>,
    names: HashMap<usize, HashMap<String, Binding>>,
    /// The flags optional imports set when they succeed (`has_apex`).
    optional_flags: Vec<String>,
}

/// What a local name stands for.
#[derive(Debug)]
struct Binding {
    qualified: String,
    origin: Origin,
}

/// What bound a local name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// An import.
    Import,
    /// An import in a `try:` that falls back when it fails (`except
    /// ImportError: has_apex = False`).
    OptionalImport,
    /// An assignment (`ext = CUDAExtension`).
    Assignment,
}

/// Statement nodes whose children are statements too: the first pass only
/// descends through these, since imports and aliases are statements.
const STATEMENT_CONTAINERS: &[&str] = &[
    "module",
    "block",
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "for_statement",
    "while_statement",
    "decorated_definition",
    "class_definition",
    "match_statement",
    "case_clause",
    "ERROR",
];

impl Bindings {
    /// Collects the bindings of the tree under `root`.
    pub fn collect(root: Node, source: &str) -> Self {
        let mut bindings = Bindings::default();
        // Each statement with its scope and what an import in it is.
        let mut stack = vec![(root, MODULE_SCOPE, Origin::Import)];
        let mut cursor = root.walk();
        while let Some((node, scope, import)) = stack.pop() {
            match node.kind_name() {
                "import_statement" => bindings.bind_import(node, source, scope, import),
                "import_from_statement" => bindings.bind_import_from(node, source, scope, import),
                "expression_statement" => bindings.bind_alias(node, source, scope),
                "function_definition" => {
                    let inner = node.id();
                    bindings.parents.insert(inner, scope);
                    if let Some(body) = node.field(FIELD.body) {
                        stack.push((body, inner, Origin::Import));
                    }
                }
                kind if STATEMENT_CONTAINERS.contains(&kind) => {
                    let optional_body = (kind == "try_statement"
                        && crate::optional::optional_try(node, source).is_some())
                    .then(|| node.field(FIELD.body))
                    .flatten();
                    if let Some(body) = optional_body {
                        for flag in crate::optional::success_flags(body, source) {
                            if !bindings.optional_flags.iter().any(|f| f == flag) {
                                bindings.optional_flags.push(flag.to_string());
                            }
                        }
                    }
                    let start = stack.len();
                    stack.extend(node.named_children(&mut cursor).map(|c| {
                        let origin = match optional_body {
                            Some(body) if body == c => Origin::OptionalImport,
                            _ => import,
                        };
                        (c, scope, origin)
                    }));
                    // Statements are visited in source order so an alias sees
                    // the imports above it.
                    stack[start..].reverse();
                }
                _ => {}
            }
        }
        bindings
    }

    /// The scope enclosing `scope`; functions the first pass never reached
    /// (inside a syntax error) count as nested in the module.
    fn parent(&self, scope: usize) -> Option<usize> {
        match scope {
            MODULE_SCOPE => None,
            _ => Some(self.parents.get(&scope).copied().unwrap_or(MODULE_SCOPE)),
        }
    }

    /// The module-level bindings, `(local, qualified)`: what other modules
    /// get by importing a name from this one.
    pub fn module_level(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .get(&MODULE_SCOPE)
            .into_iter()
            .flatten()
            .map(|(local, bound)| (local.as_str(), bound.qualified.as_str()))
    }

    /// What `local` stands for in `scope`.
    fn binding(&self, mut scope: usize, local: &str) -> Option<&Binding> {
        loop {
            if let Some(bound) = self.names.get(&scope).and_then(|m| m.get(local)) {
                return Some(bound);
            }
            scope = self.parent(scope)?;
        }
    }

    /// Whether a bare use of `local` (the identifier `node`, seen in
    /// `scope`) is reported where the name was bound: an assignment (`ext =
    /// CUDAExtension`) named the object already; behind the flag an
    /// optional import sets (`try: from apex... import
    /// fused_layer_norm_affine; has_apex = True` / `except ImportError:`,
    /// then `if has_apex: fused_layer_norm_affine(...)`), the use runs only
    /// where the import, the integration's finding, succeeded.
    pub fn is_reported_where_bound(&self, scope: usize, node: Node, source: &str) -> bool {
        match self.binding(scope, text(node, source)).map(|b| b.origin) {
            Some(Origin::Assignment) => true,
            Some(Origin::OptionalImport) => {
                crate::optional::behind_flag(node, &self.optional_flags, source)
            }
            _ => false,
        }
    }

    /// The qualified name of an identifier or attribute chain (`th.cuda.amp`)
    /// whose root is bound in `scope`.
    pub fn qualify(&self, scope: usize, node: Node, source: &str) -> Option<String> {
        let mut attrs = Vec::new();
        let mut root = node;
        while root.kind_name() == "attribute" {
            attrs.push(text(root.field(FIELD.attribute)?, source));
            root = root.field(FIELD.object)?;
        }
        if root.kind_name() != "identifier" {
            return None;
        }
        let base = &self.binding(scope, text(root, source))?.qualified;
        let mut name =
            String::with_capacity(base.len() + attrs.iter().map(|a| a.len() + 1).sum::<usize>());
        name.push_str(base);
        for attr in attrs.iter().rev() {
            name.push('.');
            name.push_str(attr);
        }
        Some(name)
    }

    /// Binds `local` in `scope`.
    fn bind(&mut self, scope: usize, local: &str, qualified: String, origin: Origin) {
        self.names
            .entry(scope)
            .or_default()
            .insert(local.to_string(), Binding { qualified, origin });
    }

    fn bind_import(&mut self, node: Node, source: &str, scope: usize, origin: Origin) {
        let mut cursor = node.walk();
        for name in node.children_by_field_id(FIELD.name, &mut cursor) {
            match name.kind_name() {
                // `import a.b.c` binds `a`, which stands for the package `a`.
                "dotted_name" => {
                    let dotted = dotted(name, source);
                    let root = dotted.split('.').next().unwrap_or_default().to_string();
                    self.bind(scope, &root.clone(), root, origin);
                }
                "aliased_import" => {
                    if let (Some(target), Some(alias)) =
                        (name.field(FIELD.name), name.field(FIELD.alias))
                    {
                        self.bind(scope, text(alias, source), dotted(target, source), origin);
                    }
                }
                _ => {}
            }
        }
    }

    fn bind_import_from(&mut self, node: Node, source: &str, scope: usize, origin: Origin) {
        let Some(module) = node.field(FIELD.module_name) else {
            return;
        };
        // Relative imports name the project's own modules, never a vendor API.
        if module.kind_name() != "dotted_name" {
            return;
        }
        let module = dotted(module, source);
        let mut cursor = node.walk();
        for name in node.children_by_field_id(FIELD.name, &mut cursor) {
            let (target, local) = match name.kind_name() {
                "dotted_name" => (name, name),
                "aliased_import" => match (name.field(FIELD.name), name.field(FIELD.alias)) {
                    (Some(target), Some(alias)) => (target, alias),
                    _ => continue,
                },
                _ => continue,
            };
            let qualified = format!("{module}.{}", dotted(target, source));
            self.bind(scope, text(local, source), qualified, origin);
        }
    }

    /// `amp = torch.cuda.amp` makes `amp` an alias. Other assignments leave
    /// bindings alone: `except ImportError: flash_attn_func = None` must not
    /// hide the import it falls back from.
    fn bind_alias(&mut self, node: Node, source: &str, scope: usize) {
        let Some(assignment) = node
            .named_child(0)
            .filter(|n| n.kind_name() == "assignment")
        else {
            return;
        };
        let (Some(left), Some(right)) =
            (assignment.field(FIELD.left), assignment.field(FIELD.right))
        else {
            return;
        };
        if left.kind_name() != "identifier" {
            return;
        }
        if let Some(qualified) = self.qualify(scope, right, source) {
            self.bind(scope, text(left, source), qualified, Origin::Assignment);
        }
    }
}

/// The source text of `node`.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

/// The last segment of the name a `call` calls, as written: `is_rocm` for
/// `current_platform.is_rocm()`; `None` for anything but a call.
pub fn called_name<'s>(call: Node, source: &'s str) -> Option<&'s str> {
    let function = text(call.field(FIELD.function)?, source);
    function.rsplit('.').next()
}

/// A `dotted_name` without the whitespace Python allows around its dots.
pub fn dotted(node: Node, source: &str) -> String {
    text(node, source).split_whitespace().collect()
}
