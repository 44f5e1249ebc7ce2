//! `cargo xtask hipify-rules --tables DIR --commit SHA [--write]`: the Hygon
//! rules that come from HIPIFY's tables, regenerated from a checkout of
//! `docs/reference/tables/` (github.com/ROCm/HIPIFY).
//!
//! Every CUDA name a table lists and no hand-written rule of the Hygon pack
//! matches exactly becomes a rule of `rules/hygon/hipify-table.toml`: a
//! rename (`auto`, with the HIP version the mapping appeared in as `since`),
//! `supported` when HIP keeps the name, `unsupported` when the table has no
//! HIP name. Mappings that need HIP 7 or are experimental are low
//! confidence: a DTK's HIP is usually older. Rules of that file whose table
//! is not among those given (MIOpen's, the ROC libraries') are kept as they
//! are. Hand-written rules are never rewritten; the report lists those whose
//! replacement or HIP version disagrees with the table, for a person to
//! settle. Without `--write`, nothing is written and the report says how
//! the file would change.

use migscan_core::Target;
use migscan_rules::{RuleCatalog, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Options of `cargo xtask hipify-rules`.
pub struct HipifyRulesOptions {
    /// A folder of HIPIFY's `*_supported_by_HIP*.md` tables.
    pub tables: PathBuf,
    /// The HIPIFY commit the tables are from, cited in every rule.
    pub commit: String,
    /// Write `rules/hygon/hipify-table.toml`.
    pub write: bool,
}

/// One row of a table: a CUDA name and what HIP has for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The table section's anchor (`37-data-types-used-by-cuda-runtime`).
    pub section: String,
    pub cuda: String,
    /// The CUDA version that removed the name, if any.
    pub cuda_removed: Option<String>,
    pub hip: Option<String>,
    /// HIP's columns: added, changed, removed, experimental.
    pub hip_added: Option<String>,
    pub hip_changed: Option<String>,
    pub hip_removed: Option<String>,
    pub hip_experimental: Option<String>,
    /// CUDA versions whose form of the name the HIP mapping does not cover
    /// (the `U` column: `cudaMemAdvise`'s CUDA 13 signature).
    pub hip_unsupported_for: Option<String>,
    /// The ROC library's name and the release it appeared in, where the
    /// table has a ROC column (`*_supported_by_HIP_and_ROC.md`).
    pub roc: Option<String>,
    pub roc_added: Option<String>,
}

/// GitHub's anchor of a Markdown heading: lower case, letters, digits,
/// spaces and hyphens kept, spaces made hyphens.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The cells of a Markdown table line, trimmed, without `*` and backticks.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(|c| {
            c.trim()
                .trim_matches('*')
                .trim_matches('`')
                .trim()
                .to_string()
        })
        .collect()
}

/// Column positions of one table, read from its header row.
#[derive(Default)]
struct Columns {
    cuda: usize,
    cuda_removed: Option<usize>,
    hip: Option<usize>,
    hip_added: Option<usize>,
    hip_changed: Option<usize>,
    hip_removed: Option<usize>,
    hip_experimental: Option<usize>,
    hip_unsupported_for: Option<usize>,
    roc: Option<usize>,
    roc_added: Option<usize>,
}

impl Columns {
    /// `|**CUDA**|**A**|**D**|**C**|**R**|**HIP**|**A**|**D**|**C**|**R**|**E**|`:
    /// the letters after a library name are its columns.
    fn read(header: &[String]) -> Option<Self> {
        let mut columns = Columns::default();
        let mut owner = "";
        let mut found_cuda = false;
        for (i, cell) in header.iter().enumerate() {
            match cell.as_str() {
                "CUDA" => {
                    owner = "CUDA";
                    columns.cuda = i;
                    found_cuda = true;
                }
                "HIP" => {
                    owner = "HIP";
                    columns.hip = Some(i);
                }
                "ROC" => {
                    owner = "ROC";
                    columns.roc = Some(i);
                }
                "A" | "D" | "C" | "R" | "U" | "E" => {
                    let slot = match (owner, cell.as_str()) {
                        ("CUDA", "R") => &mut columns.cuda_removed,
                        ("HIP", "A") => &mut columns.hip_added,
                        ("HIP", "C") => &mut columns.hip_changed,
                        ("HIP", "R") => &mut columns.hip_removed,
                        ("HIP", "E") => &mut columns.hip_experimental,
                        ("HIP", "U") => &mut columns.hip_unsupported_for,
                        ("ROC", "A") => &mut columns.roc_added,
                        _ => continue,
                    };
                    *slot = Some(i);
                }
                // Another library's columns (MIOPEN) end HIP's.
                _ => owner = "",
            }
        }
        found_cuda.then_some(columns)
    }
}

/// Every row of one table file, in order.
pub fn parse_table(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut section = String::new();
    let mut columns: Option<Columns> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix("## ") {
            section = anchor(heading.trim_matches('*'));
            columns = None;
            continue;
        }
        if !trimmed.starts_with('|') {
            continue;
        }
        let cells = cells(trimmed);
        if cells.iter().any(|c| c == "CUDA") {
            columns = Columns::read(&cells);
            continue;
        }
        let Some(columns) = &columns else { continue };
        let cell = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .filter(|c| !c.is_empty() && !c.starts_with(':') && !c.starts_with('-'))
                .cloned()
        };
        let Some(cuda) = cell(Some(columns.cuda)) else {
            continue;
        };
        rows.push(Row {
            section: section.clone(),
            cuda,
            cuda_removed: cell(columns.cuda_removed),
            hip: cell(columns.hip),
            hip_added: cell(columns.hip_added),
            hip_changed: cell(columns.hip_changed),
            hip_removed: cell(columns.hip_removed),
            hip_experimental: cell(columns.hip_experimental),
            hip_unsupported_for: cell(columns.hip_unsupported_for),
            roc: cell(columns.roc),
            roc_added: cell(columns.roc_added),
        });
    }
    rows
}

/// Whether a table name is a CUDA API name migscan matches as a symbol:
/// the tables also list C math functions, FFTW's names and OpenGL's, which
/// are not CUDA's to port.
fn is_cuda_name(name: &str) -> bool {
    let identifier = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':');
    identifier
        && ([
            "cu", "CU", "Cub", "_Cub", "_CUB", "nvrtc", "_nvrtc", "NV", "__", "cub::", "make_cu",
        ]
        .iter()
        .any(|p| name.starts_with(p))
            // Macros that name their library inside (`IS_CUDA_ERR`,
            // `MAX_CUFFT_ERROR`).
            || ["_CUDA", "_CUFILE", "_CUFFT", "_CURAND", "_CUSPARSE", "_CUSOLVER", "_CUBLAS"]
                .iter()
                .any(|p| name.contains(p)))
}

/// `cudaMemLocationTypeHost` → `cuda-mem-location-type-host`,
/// `CUBLASLT_EPILOGUE_DGELU` → `cublaslt-epilogue-dgelu`.
pub fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == ':' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_matches('-').to_string()
}

/// Whether a HIP version is 7 or later: newer than the HIP of any DTK
/// release public sources name.
fn needs_hip7(version: &str) -> bool {
    version
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok())
        .is_some_and(|major| major >= 7)
}

/// What a row of a table makes of its CUDA name, before it is written.
struct Mapping {
    status: &'static str,
    since: Option<String>,
    replacement: Option<String>,
    effort: &'static str,
    message: String,
    low_confidence: bool,
}

/// ` (a; b)` of `notes`, or nothing when there are none.
fn parenthesized(notes: &[String]) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}

/// What `row` of `table` maps its CUDA name to.
fn mapping(row: &Row, table: &str) -> Mapping {
    let cuda = &row.cuda;
    let since = row.hip_added.clone().filter(|v| !v.is_empty());
    let removed = row
        .cuda_removed
        .as_ref()
        .map(|v| format!("removed in CUDA {v}"));
    let usable_hip = row.hip.as_ref().filter(|_| row.hip_removed.is_none());
    match usable_hip {
        None => match &row.roc {
            Some(roc) => {
                let roc_since = row.roc_added.as_ref().map(|v| format!("ROC since {v}"));
                Mapping {
                    status: "manual",
                    since: None,
                    replacement: Some(roc.clone()),
                    effort: "moderate",
                    message: format!(
                        "`{cuda}` has no HIP-library equivalent; the ROC library's `{roc}` is its counterpart{}: call it directly",
                        parenthesized(&Vec::from_iter(roc_since))
                    ),
                    low_confidence: false,
                }
            }
            None => Mapping {
                status: "unsupported",
                since: None,
                replacement: None,
                effort: "large",
                message: format!(
                    "HIPIFY lists no HIP equivalent of `{cuda}`{}",
                    parenthesized(&Vec::from_iter(removed))
                ),
                low_confidence: false,
            },
        },
        Some(hip) if hip == cuda => Mapping {
            status: "supported",
            message: format!(
                "`{cuda}` works unchanged{}",
                parenthesized(&Vec::from_iter(
                    since.as_ref().map(|v| format!("HIP since {v}"))
                ))
            ),
            low_confidence: since.as_deref().is_some_and(needs_hip7),
            since,
            replacement: None,
            effort: "none",
        },
        Some(hip) => {
            let mut notes: Vec<String> = Vec::new();
            notes.extend(since.as_ref().map(|v| format!("HIP since {v}")));
            notes.extend(
                row.hip_changed
                    .as_ref()
                    .map(|v| format!("changed in HIP {v}")),
            );
            // hipBLAS 7.0 gave the `_v2` functions their plain names.
            if table.starts_with("CUBLAS") && row.hip_changed.as_deref() == Some("7.0.0") {
                let v2 = match hip.strip_suffix("_64") {
                    Some(stem) => format!("{stem}_v2_64"),
                    None => format!("{hip}_v2"),
                };
                notes.push(format!("before hipBLAS 7.0 it is {v2}"));
            }
            notes.extend(
                row.hip_unsupported_for
                    .as_ref()
                    .map(|v| format!("HIPIFY does not map its CUDA {v} form")),
            );
            notes.extend(
                row.hip_experimental
                    .as_ref()
                    .map(|v| format!("experimental in HIP {v}")),
            );
            notes.extend(removed);
            let low = since.as_deref().is_some_and(needs_hip7) || row.hip_experimental.is_some();
            if low {
                notes.push("needs a DTK whose HIP is at least that".into());
            }
            // `CUoccupancyB2DSize` → `void*`: a type written out, not a
            // name `migscan fix` can paste over the old one.
            if migscan_rules::code::code(Selector::Symbol, hip).is_none() {
                return Mapping {
                    status: "manual",
                    since,
                    replacement: Some(hip.clone()),
                    effort: "small",
                    message: format!(
                        "HIPIFY writes `{cuda}` as `{hip}`, which is not a name: the declarations using it change by hand{}",
                        parenthesized(&notes)
                    ),
                    low_confidence: low,
                };
            }
            Mapping {
                status: "auto",
                since,
                replacement: Some(hip.clone()),
                effort: "trivial",
                message: format!(
                    "`{cuda}` has a direct equivalent: {hip}{}",
                    parenthesized(&notes)
                ),
                low_confidence: low,
            }
        }
    }
}

/// The TOML of one rule for `row` of `table`.
pub fn rule_for(row: &Row, table: &str, commit: &str, id: &str) -> String {
    let mapping = mapping(row, table);
    let mut out = format!(
        "[[rule]]\nid = \"{id}\"\nmatch = {{ symbol = \"{}\" }}\nstatus = \"{}\"\n",
        row.cuda, mapping.status
    );
    if let Some(since) = &mapping.since {
        let _ = writeln!(out, "since = \"{since}\"");
    }
    if let Some(replacement) = &mapping.replacement {
        let _ = writeln!(out, "replacement = \"{replacement}\"");
    }
    let _ = writeln!(
        out,
        "step = 1\neffort = \"{}\"\nmessage = \"{}\"\nsource = \"github.com/ROCm/HIPIFY@{commit}:docs/reference/tables/{table}#{}\"",
        mapping.effort, mapping.message, row.section
    );
    if mapping.low_confidence {
        out.push_str("confidence = \"low\"\n");
    }
    out
}

/// What the hand-written Hygon rules say about an exact name.
struct HandRule {
    id: String,
    replacement: Option<String>,
    since: Option<String>,
}

/// The exact symbol rules of the Hygon pack outside the generated file,
/// and every id the pack uses there.
fn hand_rules(catalog: &RuleCatalog) -> (BTreeMap<String, HandRule>, BTreeSet<String>) {
    let mut exact = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for (_, rule) in catalog.rules_for(Target::Hygon) {
        if rule.location.file.ends_with(GENERATED) {
            continue;
        }
        ids.insert(rule.id.clone());
        if rule.matcher.selector == Selector::Symbol && !rule.matcher.prefix {
            exact.insert(
                rule.matcher.value.clone(),
                HandRule {
                    id: rule.id.clone(),
                    replacement: rule.replacement.clone(),
                    since: rule.since.as_ref().map(ToString::to_string),
                },
            );
        }
    }
    (exact, ids)
}

/// The generated file, relative to the repository.
const GENERATED: &str = "hipify-table.toml";

const HEADER: &str = "# Generated by `cargo xtask hipify-rules` from HIPIFY's tables (github.com/ROCm/HIPIFY,\n# docs/reference/tables/): every CUDA name a table lists that no hand-written rule of this\n# pack matches exactly, so that prefix rules never claim a rename the table does not make and\n# no name the table knows falls through. Edit the hand-written files, not this one.\n";

/// The quoted value after `key` in a rule block (`symbol = "`, `id = "`).
fn block_field<'b>(block: &'b str, key: &str) -> Option<&'b str> {
    let start = block.find(key)? + key.len();
    let end = block[start..].find('"')? + start;
    Some(&block[start..end])
}

/// The ids the current generated file gives its names, kept so that a
/// regeneration does not break suppressions and baselines that name them.
fn current_ids(current: &str) -> BTreeMap<String, String> {
    current
        .split("[[rule]]")
        .filter_map(|block| {
            let symbol = block_field(block, "symbol = \"")?;
            let id = block_field(block, "id = \"")?;
            Some((symbol.to_string(), id.to_string()))
        })
        .collect()
}

/// The table file a rule block cites (`CUFFT_API_supported_by_HIP.md`).
fn table_of(block: &str) -> Option<&str> {
    block_field(block, "docs/reference/tables/").and_then(|rest| rest.split('#').next())
}

/// The blocks of the current generated file whose table is not among
/// `tables` and whose name no given table generated: kept as they are.
fn kept_blocks(
    current: &str,
    tables: &BTreeSet<String>,
    generated: &BTreeSet<String>,
) -> Vec<String> {
    current
        .split("[[rule]]")
        .skip(1)
        .filter(|block| table_of(block).is_none_or(|t| !tables.contains(t)))
        .filter(|block| block_field(block, "symbol = \"").is_none_or(|s| !generated.contains(s)))
        .map(|block| format!("[[rule]]{}\n", block.trim_end()))
        .collect()
}

/// Runs the task; the report as Markdown.
pub fn run(root: &Path, options: &HipifyRulesOptions) -> Result<String, String> {
    let catalog = RuleCatalog::embedded().map_err(|e| format!("{e:?}"))?;
    let (hand, mut ids) = hand_rules(&catalog);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&options.tables)
        .map_err(|e| format!("{}: {e}", options.tables.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let commit: String = options.commit.chars().take(7).collect();
    let target = root.join("rules/hygon").join(GENERATED);
    let current = std::fs::read_to_string(&target).unwrap_or_default();
    let previous_ids = current_ids(&current);
    let reserved: BTreeSet<String> = previous_ids.values().cloned().collect();
    let mut report = String::from("| table | rows | CUDA names | generated | covered by hand rules |\n|---|---|---|---|---|\n");
    let mut generated = Vec::new();
    let mut seen = BTreeSet::new();
    let mut disagreements = Vec::new();
    let mut tables = BTreeSet::new();
    for path in &files {
        let table = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let rows = parse_table(&text);
        tables.insert(table.clone());
        let (mut names, mut made, mut covered) = (0, 0, 0);
        for row in rows.iter().filter(|r| is_cuda_name(&r.cuda)) {
            names += 1;
            if let Some(rule) = hand.get(&row.cuda) {
                covered += 1;
                let wanted = row.hip.as_ref().filter(|h| **h != row.cuda);
                let differs = wanted.is_some_and(|w| rule.replacement.as_ref() != Some(w))
                    || (wanted.is_some()
                        && row.hip_added.is_some()
                        && rule.since.is_some()
                        && rule.since != row.hip_added);
                if differs {
                    disagreements.push(format!(
                        "| `{}` | {} | {} since {} | {} since {} |",
                        row.cuda,
                        rule.id,
                        rule.replacement.as_deref().unwrap_or("—"),
                        rule.since.as_deref().unwrap_or("—"),
                        wanted.map_or("—", String::as_str),
                        row.hip_added.as_deref().unwrap_or("—"),
                    ));
                }
                continue;
            }
            // A name several tables list gets the rule of the first.
            if !seen.insert(row.cuda.clone()) {
                continue;
            }
            // A name keeps its id; a new name takes none another name had.
            let previous = previous_ids.get(&row.cuda).filter(|id| !ids.contains(*id));
            let taken =
                |id: &String| ids.contains(id) || (previous.is_none() && reserved.contains(id));
            let mut id = previous
                .cloned()
                .unwrap_or_else(|| format!("hygon/{}", kebab(&row.cuda)));
            let mut n = 2;
            while taken(&id) {
                id = format!("hygon/{}-{n}", kebab(&row.cuda));
                n += 1;
            }
            ids.insert(id.clone());
            generated.push(rule_for(row, &table, &commit, &id));
            made += 1;
        }
        let _ = writeln!(
            report,
            "| {table} | {} | {names} | {made} | {covered} |",
            rows.len()
        );
    }
    let kept = kept_blocks(&current, &tables, &seen);
    // One order whichever tables a run is given: grouped by table, each in
    // its rows' order (a kept block keeps its place within its table).
    let mut blocks: Vec<&String> = generated.iter().chain(&kept).collect();
    blocks.sort_by_key(|block| table_of(block).unwrap_or_default());
    let mut text = String::from(HEADER);
    for block in blocks {
        text.push('\n');
        text.push_str(block);
    }
    let _ = writeln!(
        report,
        "\n{} rules generated, {} kept from tables not given; {} hand-written rules disagree with the tables{}",
        generated.len(),
        kept.len(),
        disagreements.len(),
        if disagreements.is_empty() { "." } else { ":" }
    );
    if !disagreements.is_empty() {
        report.push_str("\n| CUDA name | hand rule | says | table says |\n|---|---|---|---|\n");
        for line in &disagreements {
            report.push_str(line);
            report.push('\n');
        }
    }
    if text == current {
        report.push_str("\nrules/hygon/hipify-table.toml is up to date\n");
    } else if options.write {
        std::fs::write(&target, &text).map_err(|e| format!("{}: {e}", target.display()))?;
        report.push_str("\nwrote rules/hygon/hipify-table.toml\n");
    } else {
        report.push_str("\nrules/hygon/hipify-table.toml would change (--write writes it)\n");
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "# CUDA Runtime API supported by HIP\n\n## **37. Data types used by CUDA Runtime**\n\n|**CUDA**|**A**|**D**|**C**|**R**|**HIP**|**A**|**D**|**C**|**R**|**E**|\n|:--|:-:|:-:|:-:|:-:|:--|:-:|:-:|:-:|:-:|:-:|\n|`cudaMemLocationTypeDevice`|11.2| | | |`hipMemLocationTypeDevice`|5.2.0| | | | |\n|`cudaMemLocationTypeInvisible`|12.8| | | | | | | | | |\n|`cudaMemLocationTypeHost`|12.2| | | |`hipMemLocationTypeHost`|7.1.0| | | | |\n|`cudaDevAttrMaxPersistingL2CacheSize`|11.0| | |13.0| | | | | | |\n|`sinf`| | | | |`sinf`|1.0.0| | | | |\n\n## **2. ROC table**\n\n|**CUDA**|**A**|**D**|**C**|**R**|**HIP**|**A**|**D**|**C**|**R**|**E**|**ROC**|**A**|**D**|**C**|**R**|**E**|\n|:--|:-:|:-:|:-:|:-:|:--|:-:|:-:|:-:|:-:|:-:|:--|:-:|:-:|:-:|:-:|:-:|\n|`cusparseSpGEMMreuse_copy`|11.3| | | | | | | | | |`rocsparse_spgemm`|4.1.0| | | | |\n\n## **3. With U**\n\n|**CUDA**|**A**|**D**|**C**|**R**|**HIP**|**A**|**D**|**C**|**R**|**U**|**E**|\n|:--|:-:|:-:|:-:|:-:|:--|:-:|:-:|:-:|:-:|:-:|:-:|\n|`cudaMemPrefetchAsync`|8.0| |13.0| |`hipMemPrefetchAsync`|3.7.0| | | |13.0| |\n|`cudaClusterSchedulingPolicyDefault`|11.8| | | |`hipClusterSchedulingPolicyDefault`|7.13.0| | | | |7.14.0|\n|`CUoccupancyB2DSize`| | | | |`void*`| | | | | | |\n";

    #[test]
    fn tables_are_read_by_their_header() {
        let rows = parse_table(TABLE);
        assert_eq!(rows.len(), 9);
        assert_eq!(rows[6].hip_unsupported_for.as_deref(), Some("13.0"));
        assert_eq!(rows[7].hip_experimental.as_deref(), Some("7.14.0"));
        assert_eq!(rows[5].section, "2-roc-table");
        assert_eq!(
            (rows[5].roc.as_deref(), rows[5].roc_added.as_deref()),
            (Some("rocsparse_spgemm"), Some("4.1.0"))
        );
        assert_eq!(rows[0].section, "37-data-types-used-by-cuda-runtime");
        assert_eq!(rows[0].hip.as_deref(), Some("hipMemLocationTypeDevice"));
        assert_eq!(rows[0].hip_added.as_deref(), Some("5.2.0"));
        assert_eq!(rows[1].hip, None);
        assert_eq!(rows[3].cuda_removed.as_deref(), Some("13.0"));
        assert!(!is_cuda_name(&rows[4].cuda));
        assert!(is_cuda_name("IS_CUFILE_ERR") && is_cuda_name("MAX_CUFFT_ERROR"));
    }

    #[test]
    fn rules_say_what_the_table_says() {
        let rows = parse_table(TABLE);
        let table = "CUDA_Runtime_API_functions_supported_by_HIP.md";
        let rename = rule_for(
            &rows[0],
            table,
            "74a213f",
            "hygon/cuda-mem-location-type-device",
        );
        assert!(
            rename.contains(
                "status = \"auto\"\nsince = \"5.2.0\"\nreplacement = \"hipMemLocationTypeDevice\""
            ),
            "{rename}"
        );
        assert!(rename.ends_with("tables/CUDA_Runtime_API_functions_supported_by_HIP.md#37-data-types-used-by-cuda-runtime\"\n"), "{rename}");
        let missing = rule_for(&rows[1], table, "74a213f", "x");
        assert!(missing.contains("status = \"unsupported\""), "{missing}");
        let recent = rule_for(&rows[2], table, "74a213f", "x");
        assert!(
            recent.contains("needs a DTK whose HIP is at least that")
                && recent.ends_with("confidence = \"low\"\n"),
            "{recent}"
        );
        let removed = rule_for(&rows[3], table, "74a213f", "x");
        assert!(removed.contains("HIPIFY lists no HIP equivalent of `cudaDevAttrMaxPersistingL2CacheSize` (removed in CUDA 13.0)"), "{removed}");
        let roc = rule_for(&rows[5], table, "74a213f", "x");
        assert!(
            roc.contains("status = \"manual\"\nreplacement = \"rocsparse_spgemm\""),
            "{roc}"
        );
        assert!(roc.contains("(ROC since 4.1.0): call it directly"), "{roc}");
        let partial = rule_for(&rows[6], table, "74a213f", "x");
        assert!(
            partial.contains("(HIP since 3.7.0; HIPIFY does not map its CUDA 13.0 form)"),
            "{partial}"
        );
        let experimental = rule_for(&rows[7], table, "74a213f", "x");
        assert!(
            experimental.contains("experimental in HIP 7.14.0; needs a DTK"),
            "{experimental}"
        );
        let not_a_name = rule_for(&rows[8], table, "74a213f", "x");
        assert!(
            not_a_name.contains("status = \"manual\"\nreplacement = \"void*\"")
                && not_a_name.contains("which is not a name"),
            "{not_a_name}"
        );
    }

    #[test]
    fn ids_are_kebab_case() {
        assert_eq!(
            kebab("cudaMemLocationTypeHost"),
            "cuda-mem-location-type-host"
        );
        assert_eq!(kebab("CUBLASLT_EPILOGUE_DGELU"), "cublaslt-epilogue-dgelu");
        assert_eq!(kebab("__nv_cvt_fp8_to_halfraw"), "nv-cvt-fp8-to-halfraw");
    }
}
