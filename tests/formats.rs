//! The document formats: SARIF validates against the 2.1.0 schema, CSV has
//! one row per finding, Markdown and HTML carry the whole report and escape
//! whatever the scanned files contain.

mod common;

use common::{fixture, migscan, migscan_in, repo, stdout_ok};
use std::fs;

fn render(format: &str, path: &str, targets: &str) -> String {
    stdout_ok(&migscan(&["--format", format, "--target", targets, path]))
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    for name in ["cuda-extension", "ddp-amp-package", "notebook-demo"] {
        let path = fixture(name);
        let log: serde_json::Value =
            serde_json::from_str(&render("sarif", path.to_str().unwrap(), "all")).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        let runs = log["runs"].as_array().unwrap();
        let categories: Vec<&str> = runs
            .iter()
            .map(|run| run["automationDetails"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            categories,
            [
                "migscan/ascend/",
                "migscan/cambricon/",
                "migscan/hygon/",
                "migscan/enflame/"
            ]
        );
        for (run, target) in runs.iter().zip(["ascend", "cambricon", "hygon", "enflame"]) {
            assert_eq!(run["properties"]["target"], target);
            for result in run["results"].as_array().unwrap() {
                assert_eq!(result["properties"]["target"], target);
                assert!(result["ruleId"].as_str().unwrap().starts_with(target));
            }
        }
        let run = &log["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                run["tool"]["driver"]["rules"][index]["id"],
                result["ruleId"]
            );
            let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.starts_with('/'), "relative URI: {uri}");
            assert!(
                result["partialFingerprints"]["migscanLine/v1"]
                    .as_str()
                    .unwrap()
                    .len()
                    == 16
            );
        }
    }
}

#[test]
fn sarif_fingerprints_survive_a_line_shift() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("train.py");
    let fingerprint = |source: &str| {
        fs::write(&file, source).unwrap();
        let out = stdout_ok(&migscan_in(
            dir.path(),
            &["--format", "sarif", "--target", "ascend", "."],
        ));
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let result = &log["runs"][0]["results"][0];
        (
            result["partialFingerprints"]["migscanLine/v1"].clone(),
            result["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    let (before, line_before) = fingerprint("import torch\ntorch.cuda.synchronize()\n");
    let (after, line_after) =
        fingerprint("import torch\n\n# a comment added above\ntorch.cuda.synchronize()\n");
    assert_eq!(before, after);
    assert_ne!(line_before, line_after);
}

/// A repository with a file too large to read and a Python file that does
/// not parse to the end.
fn partly_unreadable_repo() -> tempfile::TempDir {
    repo(&[
        ("train.py", "import torch\ntorch.cuda.synchronize()\n"),
        (
            "tools/broken.py",
            "import torch\ndef f(:\n    pass\nx = torch.cuda.current_device()\n",
        ),
        ("data/big.py", &"x = 1\n".repeat(300_000)),
    ])
}

#[test]
fn every_format_says_which_files_were_not_read_in_full() {
    let dir = partly_unreadable_repo();
    let scan = |args: &[&str]| {
        let mut all = vec!["--target", "ascend,hygon", "--max-file-size", "1000"];
        all.extend_from_slice(args);
        all.push(".");
        migscan_in(dir.path(), &all)
    };
    let json: serde_json::Value =
        serde_json::from_str(&stdout_ok(&scan(&["--format", "json"]))).unwrap();
    assert_eq!(
        json["syntax_errors"],
        serde_json::json!(["tools/broken.py"])
    );
    assert_eq!(json["skipped"][0]["path"], "data/big.py");
    assert_eq!(json["summary"]["files_with_syntax_errors"], 1);

    let terminal = stdout_ok(&scan(&["--color", "never"]));
    assert!(
        terminal.contains("Skipped files\n  data/big.py: "),
        "{terminal}"
    );
    assert!(
        terminal.contains(
            "Files with syntax errors (scanned as far as they parse)\n  tools/broken.py\n"
        ),
        "{terminal}"
    );
    let markdown = stdout_ok(&scan(&["--format", "markdown"]));
    assert!(
        markdown.contains("## Files with syntax errors"),
        "{markdown}"
    );
    assert!(markdown.contains("- `tools/broken.py`"), "{markdown}");

    // The line-per-finding formats say it on standard error.
    for format in ["concise", "github", "csv"] {
        let out = scan(&["--format", format]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "migscan: 1 file skipped, 1 file with syntax errors (scanned as far as they parse)"
            ),
            "{format}: {stderr}"
        );
    }
    let clean = repo(&[("train.py", "import torch\ntorch.cuda.synchronize()\n")]);
    let out = migscan_in(clean.path(), &["--format", "concise", "."]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // SARIF: every run carries them as tool execution notifications.
    let sarif: serde_json::Value =
        serde_json::from_str(&stdout_ok(&scan(&["--format", "sarif"]))).unwrap();
    for run in sarif["runs"].as_array().unwrap() {
        let notes: Vec<String> = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                format!(
                    "{} {} {}",
                    n["level"].as_str().unwrap(),
                    n["descriptor"]["id"].as_str().unwrap(),
                    n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                )
            })
            .collect();
        assert_eq!(
            notes,
            [
                "warning skipped-file data/big.py",
                "note syntax-errors tools/broken.py"
            ]
        );
    }
}

#[test]
fn the_terminal_lists_ten_files_not_read_in_full_unless_verbose() {
    let broken = "import torch\ndef f(:\n";
    let names: Vec<String> = (0..12).map(|i| format!("gen/broken_{i:02}.py")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), broken)).collect();
    let dir = repo(&files);
    let short = stdout_ok(&migscan_in(dir.path(), &["--color", "never", "."]));
    assert!(short.contains("gen/broken_09.py\n"), "{short}");
    assert!(!short.contains("gen/broken_10.py"), "{short}");
    assert!(
        short.contains("… and 2 more (--verbose lists them all)"),
        "{short}"
    );
    let all = stdout_ok(&migscan_in(
        dir.path(),
        &["--color", "never", "--verbose", "."],
    ));
    assert!(all.contains("gen/broken_11.py\n"), "{all}");
    assert!(!all.contains("more (--verbose"), "{all}");
}

#[test]
fn csv_has_one_row_per_finding() {
    let path = fixture("ops-cluster");
    let json: serde_json::Value =
        serde_json::from_str(&render("json", path.to_str().unwrap(), "all")).unwrap();
    let csv = render("csv", path.to_str().unwrap(), "all");
    let rows: Vec<&str> = csv.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert!(rows[0].starts_with("target,step,status,severity,rule,path,line,column"));
    assert_eq!(rows.len() - 1, json["findings"].as_array().unwrap().len());
    assert!(
        rows.iter().any(|r| r.starts_with(
            "ascend,4,manual,warning,ascend/resource-nvidia-com-gpu,k8s/train-job.yaml,22,15,"
        )),
        "{csv}"
    );
}

/// RFC 4180 rows (quoted cells may hold commas and doubled quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let (mut row, mut cell, mut quoted) = (vec![], String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => cell.push(c),
        }
    }
    rows
}

#[test]
fn statistics_count_converted_and_unconverted_apis_and_price_each_rule() {
    let path = fixture("ddp-amp-package");
    let path = path.to_str().unwrap();
    let json: serde_json::Value = serde_json::from_str(&render("json", path, "ascend")).unwrap();
    let stats = stdout_ok(&migscan(&["--target", "ascend", "--statistics", path]));
    for line in [
        "migscan statistics: 7 files scanned, 30 findings\n",
        "\nascend, torch_npu 2.14.0 (newest the pack documents): 30 findings, 46 h expected\n",
        "  converted (auto):  14 sites of 11 APIs\n",
        "  unconverted:       16 sites of 12 APIs (unsupported 1, manual 15)\n",
        "  findings     hours  status       rule\n",
        "         2        21  manual       ascend/apex\n",
        "     sites  API → replacement\n",
        "         1  flash-attn → torch_npu.npu_fusion_attention or F.scaled_dot_product_attention [unsupported]\n",
        "         2  torch.cuda.amp.GradScaler → torch.npu.amp.GradScaler\n",
        "         1  torch.cuda.set_device → torch.npu.set_device\n",
    ] {
        assert!(stats.contains(line), "missing {line:?} in\n{stats}");
    }
    let expected = json["plans"][0]["expected_hours"].as_f64().unwrap()
        + json["plans"][0]["optional"]["hours"]["low"]
            .as_f64()
            .unwrap()
            / 6.0
        + json["plans"][0]["optional"]["hours"]["likely"]
            .as_f64()
            .unwrap()
            * 4.0
            / 6.0
        + json["plans"][0]["optional"]["hours"]["high"]
            .as_f64()
            .unwrap()
            / 6.0;

    // Per finding: the message, and hours that add up to the plan's.
    let rows = csv_rows(&render("csv", path, "ascend"));
    let hours = rows[0].iter().position(|c| c == "hours").unwrap();
    let message = rows[0].iter().position(|c| c == "message").unwrap();
    let sum: f64 = rows[1..]
        .iter()
        .map(|r| r[hours].parse::<f64>().unwrap())
        .sum();
    assert!((sum - expected).abs() < 0.05, "{sum} vs {expected}");
    assert!(rows[1..].iter().all(|r| !r[message].is_empty()));

    // Per API: one row per distinct API, what needs a person first.
    let apis = csv_rows(&stdout_ok(&migscan(&[
        "--target",
        "ascend",
        "--statistics",
        "--format",
        "csv",
        path,
    ])));
    assert_eq!(
        apis[0][..6],
        ["target", "status", "api", "replacement", "sites", "files"]
    );
    assert_eq!(apis.len() - 1, 23);
    assert_eq!(apis[1][..3], ["ascend", "unsupported", "flash-attn"]);
    let sites: usize = apis[1..]
        .iter()
        .map(|r| r[4].parse::<usize>().unwrap())
        .sum();
    assert_eq!(sites, 30);
    let grad_scaler = apis
        .iter()
        .find(|r| r[2] == "torch.cuda.amp.GradScaler")
        .unwrap();
    assert_eq!(
        grad_scaler[..6],
        [
            "ascend",
            "auto",
            "torch.cuda.amp.GradScaler",
            "torch.npu.amp.GradScaler",
            "2",
            "1"
        ]
    );
}

#[test]
fn markdown_is_the_whole_report() {
    let md = render(
        "markdown",
        fixture("cuda-extension").to_str().unwrap(),
        "all",
    );
    for part in [
        "# migscan migration report",
        "> Effort figures are estimates, not measurements.",
        "## Targets side by side",
        "**Recommendation.** hygon is the cheapest target for this repository",
        "## Huawei Ascend (CANN, torch_npu)",
        "| 1. Operator coverage |",
        "### ascend — step 1. Operator coverage",
        "#### `ascend/kernel-definition` (manual, 2 sites)",
        "- [csrc/fused_softmax.cu:18:17](csrc/fused_softmax.cu#L18) `softmax_kernel`",
        "## Effort model",
        "## Rule packs",
    ] {
        assert!(md.contains(part), "missing {part:?}");
    }
    // Prose is backslash-escaped, not turned into HTML entities.
    for entity in ["&quot;", "&#39;", "&gt;", "&lt;", "&amp;"] {
        assert!(!md.contains(entity), "{entity} in\n{md}");
    }
    assert!(
        md.contains("C++ `is_cuda()` is false for NPU tensors"),
        "code spans in messages stay code: {md}"
    );
    assert!(md.contains("major \\>= 5"), "{md}");
}

#[test]
fn html_is_self_contained_and_escapes_scanned_text() {
    let dir = repo(&[(
        "evil.py",
        "import torch\nx = t.to(\"cuda\")  # </script><script>alert(1)</script> <b>bold</b>\n",
    )]);
    let html = stdout_ok(&migscan_in(
        dir.path(),
        &["--format", "html", "--target", "all", "."],
    ));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script>alert(1)"), "unescaped script");
    assert!(html.contains(
        "# &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;"
    ));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "one inline script, ours"
    );
    for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "network reference {external}");
    }
    assert!(html.contains("<svg role=\"img\" aria-label=\"Effort per step and target\""));
    assert!(html.contains("id=\"f-target\"") && html.contains("data-target=\"ascend\""));
}

#[test]
fn hardware_section_flags_precision_and_sizes_models_against_the_card() {
    let dir = repo(&[(
        "serve.py",
        "import torch\nfrom transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained(\"meta-llama/Llama-2-70b-hf\", torch_dtype=torch.float64)\nx = torch.zeros(2, dtype=torch.float8_e4m3fn)\n_CHECKPOINT_FOR_DOC = \"Qwen/Qwen2.5-72B\"\nprint(\"see Qwen/Qwen2.5-7B\", \"Qwen/Qwen2.5-7B\")\n",
    )]);
    let out = stdout_ok(&migscan_in(
        dir.path(),
        &[
            "--format",
            "json",
            "--target",
            "mlu,dcu",
            "--device",
            "mlu370-x4",
            ".",
        ],
    ));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cambricon = &report["hardware"][0];
    assert_eq!(cambricon["card"]["id"], "mlu370-x4");
    let precision: Vec<(String, u64, String)> = cambricon["precision"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["feature"].as_str().unwrap().into(),
                p["sites"].as_u64().unwrap(),
                p["support"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        precision,
        [
            ("fp8".into(), 1, "unsupported".into()),
            ("fp64".into(), 1, "unsupported".into())
        ]
    );
    // Only the model the code loads, with where it loads it; documentation
    // constants and printed strings are no models to serve.
    assert_eq!(cambricon["models"].as_array().unwrap().len(), 1);
    let model = &cambricon["models"][0];
    assert_eq!(model["model"], "meta-llama/Llama-2-70b-hf");
    assert_eq!(model["at"], "serve.py:3");
    assert_eq!(model["cards"], serde_json::json!([7, 8]));
    // Hygon keeps its default card (64 GB, FP64 supported).
    let hygon = &report["hardware"][1];
    assert_eq!(
        (&hygon["card"]["id"], &hygon["card"]["architecture"]),
        (&serde_json::json!("k100-ai"), &serde_json::json!("gfx928"))
    );
    assert_eq!(hygon["models"][0]["cards"], serde_json::json!([3, 3]));
    assert_eq!(hygon["precision"][1]["support"], "supported");
    // A card by its product spelling; one with no public memory figure
    // cannot size a model, and the report says so.
    let k100 = stdout_ok(&common::migscan_in_env(
        dir.path(),
        &[
            "--target", "dcu", "--device", "K100", "--color", "never", ".",
        ],
        &[("COLUMNS", "1000")],
    ));
    assert!(
        k100.contains("Card: DCU K100 (Hygon, gfx926)")
            && k100.contains("not sizable on DCU K100, which has no public memory figure"),
        "{k100}"
    );
    let alias = stdout_ok(&migscan_in(
        dir.path(),
        &[
            "--format", "json", "--target", "dcu", "--device", "K100_AI", ".",
        ],
    ));
    assert!(alias.contains("\"id\": \"k100-ai\""));
    let bad = migscan_in(dir.path(), &["--device", "a9000", "."]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn html_aggregates_every_finding_before_cutting_the_table() {
    // 3 targets × 3,500 `.cuda()` calls in one generated file, plus a
    // costlier finding in a file that sorts last.
    let text = format!("import torch\n{}", "x.cuda(); ".repeat(3_500));
    let dir = repo(&[("gen/a.py", &text), ("zz/late.py", "import apex\n")]);
    let html = stdout_ok(&migscan_in(
        dir.path(),
        &[
            "--format",
            "html",
            "--target",
            "ascend,cambricon,enflame",
            ".",
        ],
    ));
    assert!(html.contains("<h2>Where the work is</h2>"));
    assert!(
        html.contains("The table shows the 10000 costliest of 10,503 findings"),
        "the cut is said"
    );
    let table = &html[html.find("<table id=\"findings\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr data-target").count(), 10_000);
    // The costly `apex` import sorts first even though its file sorts last.
    let first_row = &table[table.find("<tr data-target").unwrap()..];
    assert!(
        first_row[..first_row.find("</tr>").unwrap()].contains("zz/late.py"),
        "{first_row:.400}"
    );
    // The filter counts what the table cannot show.
    let counts = &html[html.find("id=\"counts\">").unwrap() + "id=\"counts\">".len()..];
    let counts: serde_json::Value =
        serde_json::from_str(&counts[..counts.find("</script>").unwrap()]).unwrap();
    let total: u64 = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[4].as_u64().unwrap())
        .sum();
    assert_eq!(total, 10_503);
    assert!(html.contains("are not in this table"), "the script says so");
    // Per rule and per directory, costliest first, with drill-down.
    let by_rule = &html[html.find("id=\"by-rule\"").unwrap()..];
    assert!(by_rule.contains("<details><summary><code>ascend/tensor-cuda-method</code></summary>"));
    assert!(by_rule.contains("<li>… and 3,480 more sites</li>"));
    let by_directory = &html[html.find("id=\"by-directory\"").unwrap()..];
    assert!(by_directory.contains("<details><summary><code>gen</code></summary>"));
    assert!(by_directory.contains("<td class=\"num\">3,500</td>"));
}
