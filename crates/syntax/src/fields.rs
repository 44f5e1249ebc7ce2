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
