//! Every reproducer `cargo xtask fuzz` saved (`tests/data/fuzz/<case>/`)
//! scanned through the binary: it must finish, exit 0 and give a JSON and
//! a SARIF report that parse, the same findings with and without the
//! prefilter, and a terminal report with no control characters.

mod common;

use common::{migscan_bounded, root};

#[test]
fn saved_fuzz_reproducers_scan_cleanly() {
    let dir = root().join("tests/data/fuzz");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 2, "the known cases are kept");
    for case in cases {
        let case = case.to_str().unwrap();
        let report = |args: &[&str]| {
            let out = migscan_bounded(&root(), args);
            assert!(
                out.status.success(),
                "{case}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice::<serde_json::Value>(&out.stdout)
                .unwrap_or_else(|e| panic!("{case}: {args:?} does not parse: {e}"))
        };
        report(&["--format", "sarif", case]);
        let json = report(&["--format", "json", case]);
        let whole = report(&["--format", "json", "--no-prefilter", case]);
        assert_eq!(json["findings"], whole["findings"], "{case}: the prefilter");
        let out = migscan_bounded(&root(), &["--snippets", "50", case]);
        assert!(out.status.success(), "{case}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{case}: {text}"
        );
    }
}
