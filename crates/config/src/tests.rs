use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn temp() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "migscan-config-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn nearest_configuration_wins_and_pyproject_needs_the_table() {
    let dir = temp();
    write(&dir, "migscan.toml", "target = \"ascend\"\n");
    write(&dir, "pkg/pyproject.toml", "[project]\nname = \"x\"\n");
    write(
        &dir,
        "pkg/sub/pyproject.toml",
        "[tool.migscan]\ntarget = [\"hygon\", \"mlu\"]\n",
    );
    let found = Config::discover(&dir.join("pkg/sub")).unwrap().unwrap();
    assert!(found.file.name.ends_with("pkg/sub/pyproject.toml"));
    let mut catalog = RuleCatalog::embedded().unwrap();
    let settings = found.apply(&mut catalog, &["terminal"]).unwrap();
    assert_eq!(
        settings.targets,
        Some(vec![Target::Cambricon, Target::Hygon])
    );
    // `pkg` has a pyproject.toml without [tool.migscan]: the search goes on up.
    let found = Config::discover(&dir.join("pkg")).unwrap().unwrap();
    assert!(found.file.name.ends_with("migscan.toml"));
}

#[test]
fn unknown_keys_and_bad_values_point_into_the_file() {
    let dir = temp();
    let path = write(&dir, "migscan.toml", "targets = \"ascend\"\n");
    let errors = Config::load(&path).err().unwrap();
    assert!(
        errors.errors()[0]
            .message()
            .contains("unknown field `targets`"),
        "{}",
        errors.errors()[0].message()
    );
    let path = write(&dir, "migscan.toml", "fail-on = \"loud\"\nignore = [\"ascend/no-such-rule\"]\n[severity]\n\"device-cuda\" = \"shouting\"\n");
    let mut catalog = RuleCatalog::embedded().unwrap();
    let errors = Config::load(&path)
        .unwrap()
        .apply(&mut catalog, &["terminal"])
        .err()
        .unwrap();
    let messages: Vec<&str> = errors.errors().iter().map(|e| e.message()).collect();
    assert_eq!(
        messages,
        [
            "unknown fail-on `loud`",
            "no rule `ascend/no-such-rule`",
            "bad severity `shouting`"
        ]
    );
}

#[test]
fn severities_and_effort_calibrate_the_catalog() {
    let dir = temp();
    let path = write(&dir, "migscan.toml", "[severity]\n\"torch-float64\" = \"error\"\n[effort.trivial]\ndescription = \"ours\"\nper_api = { low = 1.0, likely = 1.0, high = 1.0 }\nper_site = { low = 0.0, likely = 0.0, high = 0.0 }\n");
    let mut catalog = RuleCatalog::embedded().unwrap();
    Config::load(&path)
        .unwrap()
        .apply(&mut catalog, &["terminal"])
        .unwrap();
    assert_eq!(
        catalog.find("ascend/torch-float64").unwrap().severity(),
        Severity::Error
    );
    assert_eq!(
        catalog.effort().class("trivial").unwrap().per_api.likely,
        1.0
    );
}
