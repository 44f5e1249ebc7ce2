//! Every reproducer `cargo xtask fuzz` saved (`tests/data/fuzz/<case>/`)
//! scanned through the binary: it must finish, exit 0 and give a JSON and
//! a SARIF report that parse, and a terminal report with no control
//! characters.

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
        for format in ["json", "sarif"] {
            let out = migscan_bounded(&root(), &["--format", format, case]);
            assert!(
                out.status.success(),
                "{case}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice::<serde_json::Value>(&out.stdout)
                .unwrap_or_else(|e| panic!("{case}: {format} does not parse: {e}"));
        }
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
