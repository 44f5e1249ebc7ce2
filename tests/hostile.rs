//! Hostile input through the binary: what a stranger's tree, an unpacked
//! archive or a generated file can hold must not crash, hang, lose files or
//! take over the terminal or a report.

mod common;

use common::{migscan_bounded, repo, skipped};
use serde_json::Value;
use std::path::Path;

/// The JSON report of `args` in `dir`, which must succeed.
fn json_in(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = migscan_bounded(dir, &all);
    assert!(
        out.status.success(),
        "migscan {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// `path:line:col rule` of every finding.
fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["rule_id"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn an_indented_first_statement_and_keyword_continuations_do_not_crash() {
    let dir = repo(&[
        ("snippet.py", " import torch\n torch.cuda.synchronize()\n"),
        (
            "Dockerfile",
            "FROM ubuntu\nRUN\\\n nvidia-smi\nENV\\\n NCCL_DEBUG=INFO\n",
        ),
        (
            "docker/Dockerfile.base",
            "FROM\\\n nvidia/cuda:12.1.0-devel-ubuntu22.04\n",
        ),
    ]);
    let report = json_in(dir.path(), &["--target", "ascend"]);
    assert_eq!(
        findings(&report),
        [
            "Dockerfile:3:2 ascend/command-nvidia-smi",
            "Dockerfile:5:2 ascend/nccl-debug",
            "docker/Dockerfile.base:2:2 ascend/image-nvidia-cuda",
            "snippet.py:2:2 ascend/torch-cuda-synchronize",
        ]
    );
}

#[cfg(unix)]
#[test]
fn named_pipes_are_skipped_in_the_tree_on_the_command_line_and_in_rule_packs() {
    let dir = repo(&[("ok.py", "import torch\ntorch.cuda.synchronize()\n")]);
    for name in ["x.py", "requirements.txt", "rules/ascend/pipe.toml"] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert!(std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success());
    }
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    assert_eq!(
        skipped(&report),
        [
            "requirements.txt: not a regular file (a named pipe)",
            "x.py: not a regular file (a named pipe)",
        ]
    );
    assert_eq!(
        findings(&report),
        ["ok.py:2:1 ascend/torch-cuda-synchronize"]
    );
    let report = json_in(dir.path(), &["--target", "ascend", "x.py", "ok.py"]);
    assert_eq!(
        skipped(&report),
        ["x.py: not a regular file (a named pipe)"]
    );
    let out = migscan_bounded(dir.path(), &["--rules", "rules", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
}

#[test]
fn thousands_of_findings_on_one_line_are_all_reported() {
    let entries: Vec<String> = (0..6000)
        .map(|i| format!("{i}: torch.device(\"cuda:{i}\")"))
        .collect();
    let python = format!("import torch\nd = {{{}}}\n", entries.join(", "));
    let cuda = format!("void f() {{ {}}}\n", "cudaMalloc(0, 0); ".repeat(3000));
    let dir = repo(&[("gen.py", &python), ("gen.cu", &cuda)]);
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    let all = findings(&report);
    let python: Vec<&String> = all.iter().filter(|f| f.starts_with("gen.py")).collect();
    let cuda: Vec<&String> = all.iter().filter(|f| f.starts_with("gen.cu")).collect();
    assert_eq!(python.len(), 6000);
    assert_eq!(cuda.len(), 3000);
    let last_python = python.last().unwrap();
    let column = python_column(&entries, 5999);
    assert_eq!(
        **last_python,
        format!("gen.py:2:{column} ascend/device-cuda")
    );
    assert_eq!(
        **cuda.last().unwrap(),
        format!("gen.cu:1:{} ascend/cuda-malloc", 12 + 18 * 2999)
    );
}

/// The column of the device string of entry `i` on line 2.
fn python_column(entries: &[String], i: usize) -> usize {
    let before: usize = entries[..i].iter().map(|e| e.len() + 2).sum();
    let inside = entries[i].find('"').unwrap();
    "d = {".len() + before + inside + 1
}

#[test]
fn a_sarif_log_of_a_huge_generated_file_is_complete_and_valid() {
    let text = format!("import torch\n{}", "x.cuda(); ".repeat(20_000));
    let dir = repo(&[("gen.py", &text)]);
    let out = migscan_bounded(dir.path(), &["--target", "all", "--format", "sarif", "."]);
    assert!(out.status.success());
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("valid SARIF JSON");
    // Ascend, Cambricon and Enflame report each `.cuda()`; PyTorch on ROCm
    // (Hygon) keeps the name. One run per target.
    let results: Vec<usize> = sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["results"].as_array().unwrap().len())
        .collect();
    assert_eq!(results, [20_000, 20_000, 0, 20_000]);
}

#[test]
fn the_worker_count_is_bounded() {
    let dir = repo(&[("a.py", "import torch\ntorch.cuda.synchronize()\n")]);
    let out = migscan_bounded(dir.path(), &["--jobs", "99999999999", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1..=256"));
    let report = json_in(dir.path(), &["--jobs", "256", "--target", "ascend", "."]);
    assert_eq!(
        findings(&report),
        ["a.py:2:1 ascend/torch-cuda-synchronize"]
    );
}

#[test]
fn checking_a_pack_of_ten_thousand_rules_finishes() {
    let rules: String = (0..10_000)
        .map(|i| {
            format!(
                "[[rule]]\nid = \"ascend/lib-f{i}\"\nmatch = {{ name = \"mylib.f{i}\" }}\nstatus = \"manual\"\nstep = 1\neffort = \"small\"\nmessage = \"m\"\nsource = \"s\"\n[[rule.examples]]\nlanguage = \"python\"\nexpect = \"match\"\ncode = \"import mylib\\nmylib.f{i}()\"\n\n"
            )
        })
        .collect();
    let dir = repo(&[("pack/ascend/big.toml", &rules)]);
    let out = migscan_bounded(dir.path(), &["rules", "check", "pack"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("pack: 10000 rules valid, 10000 examples passed, 0 failed"));
}

#[test]
fn deep_trees_and_huge_gitignores_are_walked() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().to_path_buf();
    for _ in 0..1500 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        deep.join("a.py"),
        "import torch\ntorch.cuda.synchronize()\n",
    )
    .unwrap();
    let globs: String = (0..20_000)
        .map(|i| format!("**/x{i}*/*.tmp{i}\n"))
        .collect();
    std::fs::write(dir.path().join(".gitignore"), globs).unwrap();
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    assert_eq!(
        findings(&report),
        [format!(
            "{}a.py:2:1 ascend/torch-cuda-synchronize",
            "d/".repeat(1500)
        )]
    );
    assert_eq!(
        skipped(&report),
        [".gitignore: not applied: 20000 patterns, more than the 10000 migscan reads"]
    );
}

#[cfg(unix)]
#[test]
fn odd_file_names_are_scanned_and_shown_safely() {
    use std::os::unix::ffi::OsStrExt;
    let code = "import torch\ntorch.cuda.synchronize()\n";
    let dir = repo(&[("back\\slash.py", code), ("[x](y)`z`.py", code)]);
    let odd = std::ffi::OsStr::from_bytes(b"bad\xff.py");
    std::fs::write(dir.path().join(odd), code).unwrap();
    std::fs::write(dir.path().join("x\nfake.py:9:9: forged\ny.py"), code).unwrap();
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    assert_eq!(
        findings(&report),
        [
            "[x](y)`z`.py:2:1 ascend/torch-cuda-synchronize",
            "back\\slash.py:2:1 ascend/torch-cuda-synchronize",
            "bad\u{fffd}.py:2:1 ascend/torch-cuda-synchronize",
            "x\\x0afake.py:9:9: forged\\x0ay.py:2:1 ascend/torch-cuda-synchronize",
        ]
    );
    // The lossy spelling of the name is not the file: a path that does not
    // exist is an error, not an empty scan.
    let given = migscan_bounded(dir.path(), &["--target", "ascend", "bad\u{fffd}.py"]);
    assert_eq!(given.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&given.stderr).contains("no such file or directory"));
    let out = migscan_bounded(
        dir.path(),
        &["--target", "ascend", "--format", "concise", "."],
    );
    let concise = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        concise.lines().count(),
        4,
        "one line per finding:\n{concise}"
    );
    assert!(concise
        .lines()
        .all(|l| l.contains(": ascend/torch-cuda-synchronize [auto]")));
    let out = migscan_bounded(
        dir.path(),
        &["--target", "ascend", "--format", "markdown", "."],
    );
    let markdown = String::from_utf8(out.stdout).unwrap();
    assert!(markdown.contains(
        "- [\\[x\\]\\(y\\)\\`z\\`.py:2:1](%5Bx%5D%28y%29%60z%60.py#L2) `torch.cuda.synchronize`"
    ));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_name_given_on_the_command_line_is_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo(&[]);
    let odd = std::ffi::OsStr::from_bytes(b"bad\xff.py");
    std::fs::write(
        dir.path().join(odd),
        "import torch\ntorch.cuda.synchronize()\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_migscan"))
        .args(["--target", "ascend", "--format", "json"])
        .arg(odd)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&report),
        ["bad\u{fffd}.py:2:1 ascend/torch-cuda-synchronize"]
    );
}

#[test]
fn overlapping_paths_report_each_finding_once() {
    let code = "import torch\ntorch.cuda.synchronize()\n";
    let dir = repo(&[("d/sub/a.py", code), ("d/b.py", code)]);
    let report = json_in(
        dir.path(),
        &["--target", "ascend", "d", "d/sub", "d/sub/a.py", "./d"],
    );
    assert_eq!(
        findings(&report),
        [
            "d/b.py:2:1 ascend/torch-cuda-synchronize",
            "d/sub/a.py:2:1 ascend/torch-cuda-synchronize",
        ]
    );
    assert_eq!(
        report["plans"][0]["readiness"]["sites_by_status"]["auto"],
        2
    );
}

#[test]
fn only_comments_suppress_and_malformed_markers_are_reported() {
    let dir = repo(&[(
        "a.py",
        "import torch\ns = \"# migscan: ignore\"; torch.cuda.synchronize()\ntorch.cuda.synchronize()  # migscan: ignore[\ntorch.cuda.synchronize()  # migscan: ignore[]\ntorch.cuda.synchronize()  # migscan: ignore\n",
    )]);
    let out = migscan_bounded(dir.path(), &["--target", "ascend", "--format", "json", "."]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [
            "a.py:2:26 ascend/torch-cuda-synchronize",
            "a.py:3:1 ascend/torch-cuda-synchronize",
            "a.py:4:1 ascend/torch-cuda-synchronize",
        ]
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "migscan: warning: a.py:3:27: malformed `migscan: ignore` comment: the rule list has no closing `]`; it suppresses nothing\n\
         migscan: warning: a.py:4:27: malformed `migscan: ignore` comment: the rule list is empty; it suppresses nothing\n"
    );
}

#[test]
fn carriage_return_line_endings_count_as_lines() {
    let dir = repo(&[("mac.py", "import torch\rtorch.cuda.synchronize()\rx = 1\r")]);
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    assert_eq!(
        findings(&report),
        ["mac.py:2:1 ascend/torch-cuda-synchronize"]
    );
    assert_eq!(report["summary"]["files_with_syntax_errors"], 0);
    let out = migscan_bounded(dir.path(), &["--target", "ascend", "."]);
    assert!(!out.stdout.contains(&b'\r'));
}

#[test]
fn control_characters_in_scanned_text_never_reach_the_output() {
    let dir = repo(&[(
        "evil.py",
        "import torch\ns = \"\x1b[2J\x1b]0;title\x07\"; torch.cuda.synchronize(); t = \"\x1b]8;;http://e\x1b\\\\x\x1b]8;;\x1b\\\\\"\nx.to(\"cuda\x1b[31m\")\n",
    )]);
    for format in ["terminal", "concise", "markdown", "csv", "github", "html"] {
        let out = migscan_bounded(
            dir.path(),
            &[
                "--target",
                "ascend",
                "--format",
                format,
                "--snippets",
                "5",
                ".",
            ],
        );
        assert!(out.status.success());
        // CSV rows end in `\r\n`, as RFC 4180 has them.
        let text = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{format}: {text}"
        );
    }
    let out = migscan_bounded(dir.path(), &["--target", "ascend", "--snippets", "5", "."]);
    let terminal = String::from_utf8(out.stdout).unwrap();
    assert!(terminal.contains(r#"s = "\x1b[2J\x1b]0;title\x07"; torch.cuda.synchronize();"#));
}

#[test]
fn python_files_are_read_in_the_encoding_their_cookie_declares() {
    let dir = repo(&[]);
    let files: [(&str, &[u8]); 3] = [
        (
            "gbk.py",
            b"# -*- coding: gbk -*-\nimport torch\nx = '\xc4\xe3\xba\xc3'; torch.cuda.synchronize()\n",
        ),
        (
            "latin.py",
            b"#!/usr/bin/env python\n# coding=latin-1\nimport torch\ns = 'caf\xe9'; torch.cuda.synchronize()\n",
        ),
        (
            "odd.py",
            b"# coding: klingon\nimport torch\ns = '\xe9'\n",
        ),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    // Columns count characters of the decoded line: `x = '你好'; ` is 10.
    assert_eq!(
        findings(&report),
        [
            "gbk.py:3:11 ascend/torch-cuda-synchronize",
            "latin.py:4:13 ascend/torch-cuda-synchronize",
        ]
    );
    assert_eq!(
        skipped(&report),
        ["odd.py: unknown encoding `klingon` in its coding cookie"]
    );
    let out = migscan_bounded(dir.path(), &["--target", "ascend", "--snippets", "2", "."]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("x = '你好'; torch.cuda.synchronize()"));
}

#[test]
fn long_chains_and_glued_statements_scan_in_linear_time() {
    // Each of these took minutes before (a walk per link of a chain, an
    // import list read to the end of the line per glued import).
    let chain = format!(
        "import torch\nx = {}b\ny = torch.cuda.synchronize()\n",
        "a.".repeat(200_000)
    );
    let glued = format!(
        "import torch\n{}\n",
        "from torch.cuda import synchronize as s, Stream".repeat(30_000)
    );
    let colons = format!(
        "import torch\n{}\ntorch.cuda.synchronize()\n",
        "a:".repeat(200_000)
    );
    let dir = repo(&[
        ("chain.py", &chain),
        ("glued.py", &glued),
        ("colons.py", &colons),
    ]);
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    let all = findings(&report);
    assert_eq!(all[0], "chain.py:3:5 ascend/torch-cuda-synchronize");
    assert_eq!(all[1], "colons.py:3:1 ascend/torch-cuda-synchronize");
    assert!(all[2..].iter().all(|f| f.starts_with("glued.py:2:")));
    // `Stream` glues onto the next `from` (`Streamfrom`): one import each.
    assert_eq!(all.len(), 2 + 30_000);
}

#[test]
fn long_qualified_names_and_notebook_lines_scan_in_linear_time() {
    let cuda = format!(
        "void f() {{ x = {}b; cudaMalloc(0, 0); }}\n",
        "a::".repeat(200_000)
    );
    let notebook = format!(
        "{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"import torch\\n\", \"{}\"]}}]}}",
        "x.cuda(); ".repeat(50_000)
    );
    let dir = repo(&[("gen.cu", &cuda), ("gen.ipynb", &notebook)]);
    let report = json_in(dir.path(), &["--target", "ascend", "."]);
    let all = findings(&report);
    assert_eq!(
        all[0],
        format!("gen.cu:1:{} ascend/cuda-malloc", 19 + 3 * 200_000)
    );
    let cells: Vec<&String> = all.iter().filter(|f| f.starts_with("gen.ipynb")).collect();
    assert_eq!(cells.len(), 50_000);
    // The method name of the last `.cuda()` on the cell line.
    let line = notebook.lines().next().unwrap();
    let column = line.rfind("cuda()").unwrap() + 1;
    assert_eq!(
        *cells.last().unwrap(),
        &format!("gen.ipynb:1:{column} ascend/tensor-cuda-method")
    );
}

#[test]
fn a_parse_stuck_in_error_recovery_is_stopped_and_listed_as_skipped() {
    // A licence banner that lost its `*/` leaves lines of `*` and `/` in
    // code: tree-sitter-cuda's error recovery on 40 such lines needs
    // minutes (found by `cargo xtask fuzz`), so the parse budget ends it.
    let stars = format!("{}\n", format!(" {}/", "*".repeat(98)).repeat(104));
    let header = format!(
        "/* banner */\n{}#include <cuda_runtime.h>\n",
        stars.repeat(40)
    );
    let dir = repo(&[
        ("broken.cuh", &header),
        ("ok.cu", "#include <cuda_runtime.h>\n"),
    ]);
    let report = json_in(dir.path(), &["--target", "hygon", "."]);
    assert_eq!(
        skipped(&report),
        [
            "broken.cuh: the C++/CUDA parser was still recovering from syntax errors \
          after 10 s; the file is too broken to scan"
        ]
    );
    assert_eq!(findings(&report), ["ok.cu:1:10 hygon/cuda-runtime-h"]);
}

#[test]
fn long_operator_chains_in_cuda_scan_in_linear_time() {
    // The left side of each link of `a / 32 / 32 ...` is the whole chain
    // before it; reading it for a lane index at every link took minutes.
    let chain = format!(
        "__device__ int lane_of(int lane) {{ return lane % 32; }}\nint y = a{};\n",
        " / 32".repeat(200_000)
    );
    let dir = repo(&[("k.cu", &chain)]);
    let report = json_in(dir.path(), &["--target", "hygon", "."]);
    assert_eq!(findings(&report), ["k.cu:1:50 hygon/hardcoded-warp-size"]);
}
