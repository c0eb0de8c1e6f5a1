//! `.pre-commit-hooks.yaml`: the pre-commit framework's view of leakgate.

use assert_cmd::Command;
use serde_yaml_ng::Value;

#[test]
fn manifest_offers_a_rust_and_a_system_hook_passing_filenames() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    let hooks: Vec<Value> = serde_yaml_ng::from_str(&text).unwrap();
    let summary: Vec<(String, String, String, bool)> = hooks
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_string(),
                h["language"].as_str().unwrap().to_string(),
                h["entry"].as_str().unwrap().to_string(),
                h["pass_filenames"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "leakgate".into(),
                "rust".into(),
                "leakgate scan".into(),
                true
            ),
            (
                "leakgate-system".into(),
                "system".into(),
                "leakgate scan".into(),
                true
            ),
        ]
    );
}

#[test]
fn the_hook_entry_scans_the_file_names_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.txt"), "nothing here\n").unwrap();
    std::fs::write(
        dir.path().join("leak.txt"),
        "token = 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\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("unlisted.txt"),
        "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\n",
    )
    .unwrap();
    let out = Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["scan", "clean.txt", "leak.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("leak.txt:1:9"), "{text}");
    assert!(!text.contains("unlisted.txt"), "{text}");
    assert!(text.contains("2 files scanned"), "{text}");
}
