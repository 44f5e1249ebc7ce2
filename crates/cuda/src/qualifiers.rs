//! Attribute-like macros the grammar cannot parse. CUTLASS, CuTe and
//! PyTorch put their own qualifier macros before declarations
//! (`CUTE_HOST_DEVICE void f()`, `CUTLASS_DEVICE`, `C10_HOST_DEVICE`,
//! `C10_LAUNCH_BOUNDS_1(256)`), and projects define their own
//! (`#define DS_D_INLINE __device__ __forceinline__`). tree-sitter-cuda
//! reads such a name as a type and loses the declaration. Before parsing,
//! each use is overwritten in place, byte for byte, with the CUDA qualifier
//! it stands for (`__device__`, `__global__`) padded with spaces, or with
//! spaces only: offsets, lines and columns stay those of the file. A macro
//! name shorter than the qualifier (`HD` for `__host__ __device__`) can only
//! be blanked: its function then parses, but is not known as device code.
//! Loop pragma macros (`CUTLASS_PRAGMA_UNROLL for (...)`) are blanked the
//! same way.

use std::borrow::Cow;

/// Known qualifier macros and the CUDA qualifier each carries, if any.
const KNOWN: &[(&str, Option<&str>)] = &[
    ("CUTE_HOST_DEVICE", Some("__device__")),
    ("CUTE_DEVICE", Some("__device__")),
    ("CUTE_HOST", None),
    ("CUTE_HOST_RTC", None),
    ("CUTLASS_HOST_DEVICE", Some("__device__")),
    ("CUTLASS_DEVICE", Some("__device__")),
    ("CUTLASS_HOST", None),
    ("CUTLASS_GLOBAL", Some("__global__")),
    ("C10_HOST_DEVICE", Some("__device__")),
    ("C10_DEVICE", Some("__device__")),
    ("C10_HOST", None),
    ("C10_ALWAYS_INLINE", None),
    // Loop pragmas (`_Pragma("unroll")`) written before a `for`: read as an
    // expression statement missing its `;`, each cost the loop its parse.
    ("CUTLASS_PRAGMA_UNROLL", None),
    ("CUTLASS_PRAGMA_NO_UNROLL", None),
    ("CUTLASS_GEMM_LOOP", None),
    ("CUTE_UNROLL", None),
    ("CUTE_NO_UNROLL", None),
];

/// Function-like qualifier macros, blanked with their arguments.
const KNOWN_CALLS: &[&str] = &[
    "C10_LAUNCH_BOUNDS_0",
    "C10_LAUNCH_BOUNDS_1",
    "C10_LAUNCH_BOUNDS_2",
];

/// Words a project's qualifier macro may expand to.
const QUALIFIER_WORDS: &[&str] = &[
    "__device__",
    "__host__",
    "__global__",
    "__forceinline__",
    "__inline__",
    "inline",
    "static",
    "constexpr",
];

/// `source` with every qualifier macro overwritten; borrowed when it has
/// none.
pub fn neutralize(source: &str) -> Cow<'_, str> {
    let own = own_qualifier_macros(source);
    let mut bytes: Option<Vec<u8>> = None;
    let simple = KNOWN.iter().chain(&own).copied();
    for (name, qualifier) in simple {
        for at in uses(source, name) {
            let out = bytes.get_or_insert_with(|| source.as_bytes().to_vec());
            let with = qualifier.filter(|q| q.len() <= name.len()).unwrap_or("");
            overwrite(out, at, name.len(), with);
        }
    }
    for name in KNOWN_CALLS {
        for at in uses(source, name) {
            let rest = &source[at + name.len()..];
            let Some(close) = rest
                .trim_start()
                .starts_with('(')
                .then(|| rest.find(')'))
                .flatten()
            else {
                continue;
            };
            let out = bytes.get_or_insert_with(|| source.as_bytes().to_vec());
            overwrite(out, at, name.len() + close + 1, "");
        }
    }
    match bytes {
        // Only ASCII identifiers and their arguments were overwritten with
        // ASCII, so the text is still UTF-8.
        Some(bytes) => Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| source.to_string())),
        None => Cow::Borrowed(source),
    }
}

/// `#define NAME __device__ __forceinline__`: the file's own macros that
/// expand to qualifiers only, with the CUDA qualifier they carry. A macro
/// may name another one (`#define HOST_DEVICE_INLINE HOST_DEVICE
/// __forceinline__`), as detectron2's do.
fn own_qualifier_macros(source: &str) -> Vec<(&str, Option<&'static str>)> {
    let definitions: Vec<(&str, Vec<&str>)> = source
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix('#')?.trim_start();
            let rest = rest.strip_prefix("define")?;
            let mut words = rest.split_whitespace();
            let name = words.next()?;
            let body: Vec<&str> = words.collect();
            let identifier = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            (identifier && !body.is_empty()).then_some((name, body))
        })
        .collect();
    let mut known: Vec<(&str, Option<&'static str>)> = Vec::new();
    // Each round resolves one more level of macros naming macros; a
    // definition that names a macro not known yet waits for the next.
    loop {
        let before = known.len();
        for (name, body) in &definitions {
            if known.iter().any(|(k, _)| k == name) {
                continue;
            }
            let mut carries = None;
            let resolved = body.iter().all(|word| {
                let carried = if QUALIFIER_WORDS.contains(word) {
                    ["__global__", "__device__"].into_iter().find(|q| q == word)
                } else if let Some((_, c)) = known.iter().find(|(k, _)| k == word) {
                    *c
                } else {
                    return false;
                };
                carries = carries.or(carried);
                true
            });
            if resolved {
                known.push((name, carries));
            }
        }
        if known.len() == before {
            return known;
        }
    }
}

/// Byte offsets where `name` stands as a whole word, outside its own
/// `#define` line.
fn uses<'s>(source: &'s str, name: &'s str) -> impl Iterator<Item = usize> + 's {
    let ident = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let bytes = source.as_bytes();
    // The start of the line of the previous match: matches come in order,
    // so each line break is looked for once (a generated file can be one
    // line with thousands of uses).
    let (mut searched, mut line_start) = (0, 0);
    source.match_indices(name).filter_map(move |(at, _)| {
        if let Some(i) = source[searched..at].rfind('\n') {
            line_start = searched + i + 1;
        }
        searched = at;
        let whole = !ident(at.checked_sub(1).and_then(|i| bytes.get(i)))
            && !ident(bytes.get(at + name.len()));
        let defines = source[line_start..at].trim_start().starts_with('#');
        (whole && !defines).then_some(at)
    })
}

/// Overwrites `len` bytes at `at` with `with`, then spaces (line breaks
/// kept, so lines stay where they were).
fn overwrite(bytes: &mut [u8], at: usize, len: usize, with: &str) {
    for (i, byte) in bytes[at..at + len].iter_mut().enumerate() {
        *byte = match with.as_bytes().get(i) {
            Some(&b) => b,
            None if *byte == b'\n' => b'\n',
            None => b' ',
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifier_macros_become_qualifiers_in_place() {
        let source = "#define DS_D_INLINE __device__ __forceinline__\nCUTE_HOST_DEVICE void f();\nDS_D_INLINE float g();\nC10_LAUNCH_BOUNDS_1(256) __global__ void k();\nint CUTE_HOST_DEVICE_X;\nCUTE_UNROLL for (;;) {}\n";
        let out = neutralize(source);
        assert_eq!(out.len(), source.len());
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            [
                "#define DS_D_INLINE __device__ __forceinline__",
                "__device__       void f();",
                "__device__  float g();",
                "                         __global__ void k();",
                "int CUTE_HOST_DEVICE_X;",
                "            for (;;) {}",
            ]
        );
        assert!(matches!(neutralize("int x;"), Cow::Borrowed(_)));
    }

    #[test]
    fn qualifier_macros_may_name_qualifier_macros() {
        let source = "#define HOST_DEVICE __host__ __device__\n#define HOST_DEVICE_INLINE HOST_DEVICE __forceinline__\nHOST_DEVICE_INLINE float f();\n";
        let out = neutralize(source);
        assert_eq!(out.lines().nth(2), Some("__device__         float f();"));
    }
}
