//! Values of string literals in the positions `positions` names.

use crate::KindName;
use crate::FIELD;
use migscan_syntax::FieldChild;
use tree_sitter::Node;

/// The literal text of a `string` node up to its first interpolation, so
/// `f"cuda:{rank}"` reads as `cuda:`. `None` for anything but a string.
pub fn literal_prefix<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    let node = match node.kind_name() {
        "string" => node,
        // `"cu" "da"` is rare in device positions; its first part decides.
        "concatenated_string" => node.named_child(0)?,
        _ => return None,
    };
    let mut cursor = node.walk();
    let mut start = None;
    let mut end = node.end_byte();
    for child in node.children(&mut cursor) {
        match child.kind_name() {
            "string_start" => start = Some(child.end_byte()),
            "interpolation" | "string_end" => {
                end = child.start_byte();
                break;
            }
            _ => {}
        }
    }
    source.get(start?..end)
}

/// The literal text after a `string`'s last interpolation, so
/// `f"{drive}\\NVSMI\\nvidia-smi.exe"` reads as `\\NVSMI\\nvidia-smi.exe`;
/// `None` for a string without interpolations (its prefix is all of it).
pub fn literal_suffix<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    if node.kind_name() != "string" {
        return None;
    }
    let mut cursor = node.walk();
    let mut start = None;
    let mut end = None;
    for child in node.children(&mut cursor) {
        match child.kind_name() {
            "interpolation" => start = Some(child.end_byte()),
            "string_end" => end = Some(child.start_byte()),
            _ => {}
        }
    }
    source.get(start?..end?)
}

/// The string literals an expression can evaluate to: the expression itself,
/// both arms of `"cuda" if ok else "cpu"`, the items of a list or tuple
/// (`device_ids=["cuda:0"]`), both sides of `+` (`FLAGS + ["-O3"]`), and
/// the default of a lookup, which is the value wherever the setting is
/// left alone (`getattr(args, "device", "cuda")`, `os.environ.get("BACKEND",
/// "nccl")`, `config.get("device", "cuda")`).
pub fn string_leaves<'t>(expr: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let mut leaves = Vec::new();
    let mut stack = vec![expr];
    let mut cursor = expr.walk();
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "string" | "concatenated_string" => leaves.push(node),
            "conditional_expression"
            | "parenthesized_expression"
            | "list"
            | "tuple"
            | "boolean_operator"
            | "binary_operator" => stack.extend(node.named_children(&mut cursor)),
            "call" => stack.extend(lookup_default(node, source)),
            _ => {}
        }
    }
    leaves.sort_by_key(|n| n.start_byte());
    leaves
}

/// The default argument of `getattr(o, name, default)` or of any call of a
/// `get`/`getenv`/`pop`/`setdefault` with two positional arguments (a
/// mapping's, `os.getenv`'s; another library's `get(url, "cuda")` only
/// matters in a device or backend position, where it is rare).
fn lookup_default<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let function = call.field(FIELD.function)?;
    let name = source.get(function.byte_range())?;
    let last = name.rsplit('.').next().unwrap_or(name);
    let position = match last {
        "getattr" => 2,
        "get" | "getenv" | "pop" | "setdefault" => 1,
        _ => return None,
    };
    let arguments = call.field(FIELD.arguments)?;
    let mut cursor = arguments.walk();
    let positional: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind_name() != "keyword_argument" && a.kind_name() != "comment")
        .collect();
    (positional.len() == position + 1).then(|| positional[position])
}

/// The device type of a device string: `"cuda:0"` → `cuda`. Strings with no
/// type before the colon (`f"{kind}:0"`) name no device.
pub fn device_type(value: &str) -> Option<String> {
    let kind = value.split(':').next()?.trim();
    let valid = !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then(|| kind.to_ascii_lowercase())
}

/// The backends a backend string names: `"cpu:gloo,cuda:nccl"` → gloo, nccl.
pub fn backend_names(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').filter_map(|part| {
        let name = part.rsplit(':').next()?.trim();
        let valid =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        valid.then(|| name.to_ascii_lowercase())
    })
}

/// An environment variable name: the whole literal, with no interpolation.
pub fn env_name(value: &str) -> Option<&str> {
    let valid = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then_some(value)
}

/// Whether a string names a hub model with a parameter count
/// (`Qwen/Qwen2.5-7B-Instruct`, `meta-llama/Llama-2-70b-hf`).
pub fn is_sized_model_id(value: &str) -> bool {
    let Some((org, name)) = value.split_once('/') else {
        return false;
    };
    let id_chars = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    id_chars(org) && id_chars(name) && migscan_core::model_parameters(value).is_some()
}

/// A list of NVIDIA compute capabilities as `TORCH_CUDA_ARCH_LIST` writes
/// it: `"7.0;7.5;8.0"`, `";8.6"` (appended to one), `"9.0a;10.0f"`,
/// `"8.6+PTX"`, or the `+PTX` suffix alone. A single version (`"8.0"`) or versions
/// separated by spaces may be anything, so they do not count.
pub fn is_cuda_arch_list(value: &str) -> bool {
    let value = value.trim();
    if value == "+PTX" {
        return true;
    }
    let mut items = value.split(';').filter(|i| !i.is_empty()).peekable();
    items.peek().is_some()
        && (value.contains(';') || value.contains("+PTX"))
        && items.all(is_compute_capability)
}

/// `8.0`, `9.0a`, `10.0+PTX`: a major version NVIDIA has shipped (3 to 13), a
/// minor digit, an optional feature letter and `+PTX`.
fn is_compute_capability(item: &str) -> bool {
    let item = item.strip_suffix("+PTX").unwrap_or(item);
    let item = item.strip_suffix(['a', 'f']).unwrap_or(item);
    let Some((major, minor)) = item.split_once('.') else {
        return false;
    };
    major.parse::<u8>().is_ok_and(|m| (3..=13).contains(&m))
        && minor.len() == 1
        && minor.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_types_drop_the_index() {
        assert_eq!(device_type("cuda:0").as_deref(), Some("cuda"));
        assert_eq!(device_type("CUDA").as_deref(), Some("cuda"));
        assert_eq!(device_type(":0"), None);
        assert_eq!(device_type("use cuda please"), None);
    }

    #[test]
    fn backend_strings_split_per_device() {
        let names: Vec<_> = backend_names("cpu:gloo,cuda:nccl").collect();
        assert_eq!(names, ["gloo", "nccl"]);
    }

    #[test]
    fn compute_capability_lists_need_a_separator_or_ptx() {
        for list in [
            "7.0;7.5;8.0",
            ";8.6",
            "9.0a;10.0f",
            "8.6+PTX",
            "+PTX",
            "12.0;",
        ] {
            assert!(is_cuda_arch_list(list), "{list}");
        }
        for other in [
            "8.0",
            "1.2;3.4",
            "7.0 8.0",
            "v8.0;v9.0",
            "8.10;9.0",
            ";",
            "",
        ] {
            assert!(!is_cuda_arch_list(other), "{other}");
        }
    }
}
