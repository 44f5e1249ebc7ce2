//! Field ids resolved once per grammar.
//!
//! tree-sitter finds a field *name* by comparing it with the grammar's field
//! names one by one (`ts_language_field_id_for_name`, a `strncmp` loop) on
//! every `child_by_field_name` call. The frontends ask for fields at almost
//! every node they look at, and on the corpus that lookup alone was about 6%
//! of a scan's CPU. [`field_ids!`](crate::field_ids) declares a table of the
//! fields a frontend reads, resolved on first use; [`FieldChild::field`]
//! reads a child by its id.

use std::num::NonZeroU16;

use tree_sitter::{Language, Node};

/// A field's id in its grammar (what tree-sitter's own `FieldId` is).
pub type FieldId = NonZeroU16;

/// Declares a static table of a grammar's field ids, resolved on first use.
///
/// ```
/// migscan_syntax::field_ids! {
///     /// The fields the example reads.
///     pub static FIELD: PythonFields = tree_sitter_python::LANGUAGE => { name, body, r#type }
/// }
/// assert_ne!(FIELD.name, FIELD.body);
/// ```
///
/// A field the grammar does not have is a programming error and panics on
/// first use, which every test of the frontend reaches.
#[macro_export]
macro_rules! field_ids {
    (
        $(#[$meta:meta])*
        $vis:vis static $table:ident: $name:ident = $language:expr => { $($field:ident),+ $(,)? }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $(#[doc = concat!("The `", stringify!($field), "` field.")] pub $field: $crate::fields::FieldId,)+
        }

        $(#[$meta])*
        $vis static $table: ::std::sync::LazyLock<$name> = ::std::sync::LazyLock::new(|| {
            let language = ::tree_sitter::Language::new($language);
            $name { $($field: $crate::fields::field_id(&language, stringify!($field)),)+ }
        });
    };
}

/// The id of `name` in `language` (`r#type` names the field `type`).
#[doc(hidden)]
pub fn field_id(language: &Language, name: &str) -> FieldId {
    let name = name.trim_start_matches("r#");
    language
        .field_id_for_name(name)
        .unwrap_or_else(|| panic!("the grammar has no field `{name}`"))
}

/// A node's child by a field id from a [`field_ids!`](crate::field_ids) table.
pub trait FieldChild<'t> {
    /// The child in field `id`, if any.
    fn field(&self, id: FieldId) -> Option<Node<'t>>;
}

impl<'t> FieldChild<'t> for Node<'t> {
    fn field(&self, id: FieldId) -> Option<Node<'t>> {
        self.child_by_field_id(id.get())
    }
}

/// Declares a table of a grammar's node kind names by kind id, and a trait
/// `$trait` whose `kind_name` reads a node's kind from it.
///
/// tree-sitter's `Node::kind` measures the C string of the name (`strlen`)
/// and checks it is UTF-8 on every call, and the frontends ask for the kind
/// of every node they visit; the table makes that an index.
///
/// ```
/// migscan_syntax::node_kinds! {
///     /// Kind names of the example.
///     pub static KINDS: KindName = tree_sitter_python::LANGUAGE
/// }
/// let mut parser = tree_sitter::Parser::new();
/// parser.set_language(&tree_sitter_python::LANGUAGE.into()).unwrap();
/// let tree = parser.parse("x = 1", None).unwrap();
/// assert_eq!(tree.root_node().kind_name(), "module");
/// ```
#[macro_export]
macro_rules! node_kinds {
    (
        $(#[$meta:meta])*
        $vis:vis static $table:ident: $trait:ident = $language:expr
    ) => {
        $(#[$meta])*
        $vis static $table: ::std::sync::LazyLock<::std::vec::Vec<::std::boxed::Box<str>>> =
            ::std::sync::LazyLock::new(|| $crate::fields::kind_names(&::tree_sitter::Language::new($language)));

        $(#[$meta])*
        $vis trait $trait {
            /// The node's kind, as `Node::kind` gives it.
            fn kind_name(&self) -> &'static str;
        }

        impl $trait for ::tree_sitter::Node<'_> {
            fn kind_name(&self) -> &'static str {
                $crate::fields::kind_name(&$table, self.kind_id())
            }
        }
    };
}

/// The name of kind `id` in `table`; tree-sitter's error kinds lie past
/// the grammar's own.
#[doc(hidden)]
pub fn kind_name(table: &'static [Box<str>], id: u16) -> &'static str {
    match id {
        u16::MAX => "ERROR",
        _ => table.get(usize::from(id)).map_or("_ERROR", |name| name),
    }
}

/// Every kind name of `language`, by kind id.
#[doc(hidden)]
pub fn kind_names(language: &Language) -> Vec<Box<str>> {
    (0..language.node_kind_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .unwrap_or("")
                .into()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_agree_with_tree_sitter_errors_included() {
        let language = Language::new(tree_sitter_python::LANGUAGE);
        let table: &'static [Box<str>] = Vec::leak(kind_names(&language));
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language).unwrap();
        let tree = parser
            .parse("def f(:\n  return [1, 2\nx = f'{y}'\n", None)
            .unwrap();
        let mut cursor = tree.walk();
        let mut seen_error = false;
        loop {
            let node = cursor.node();
            assert_eq!(kind_name(table, node.kind_id()), node.kind());
            seen_error |= node.is_error();
            if !cursor.goto_first_child() {
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        assert!(seen_error);
                        return;
                    }
                }
            }
        }
    }
}
