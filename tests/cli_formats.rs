//! `aiact audit` output options, run as a user would: several formats in one run with
//! --out-dir, --out, --lang and a user's own --template (errors point at its line).

use std::path::Path;
use std::process::{Command, Output};

fn aiact(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aiact"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("aiact runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HIRERANK: &[&str] = &["audit", "fixtures/hirerank", "--as-of", "2026-12-01"];

fn with(extra: &[&str]) -> Vec<String> {
    HIRERANK
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

fn run(extra: &[&str]) -> Output {
    let args = with(extra);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    aiact(&refs)
}

#[test]
fn several_formats_write_one_file_each_matching_the_single_format_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("reports/nested");
    let o = run(&[
        "--format",
        "md,html,sarif,junit,json",
        "--out-dir",
        out_dir.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "nothing on stdout with --out-dir");
    for (format, file) in [
        ("md", "aiact-report.md"),
        ("html", "aiact-report.html"),
        ("sarif", "aiact-report.sarif"),
        ("junit", "aiact-report.junit.xml"),
        ("json", "aiact-report.json"),
    ] {
        let path = out_dir.join(file);
        let written = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let single = run(&["--format", format]);
        assert_eq!(single.status.code(), Some(0));
        assert_eq!(
            written,
            stdout(&single),
            "{file} differs from --format {format}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "{file} is readable by others, like any report");
        }
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
}

#[test]
fn a_single_format_still_goes_to_out_or_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.md");
    let o = run(&["--format", "md", "--out", file.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&file).expect("written");
    assert!(written.starts_with(aiact::extract::REPORT_MARKER));
    assert!(written.contains("\n# EU AI Act audit report\n"));
    assert_eq!(written, stdout(&run(&[])));
}

#[test]
fn several_formats_without_out_dir_is_a_usage_error() {
    let o = run(&["--format", "md,html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out-dir"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn french_reports_and_unknown_languages() {
    let o = run(&["--lang", "fr"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("## Synthèse"));
    assert!(stdout(&o).contains("Haut risque"));
    let o = run(&["--lang", "xx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("available: en, fr"), "{}", stderr(&o));
}

fn template(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write template");
    path.to_string_lossy().into_owned()
}

#[test]
fn a_user_template_renders_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = template(
        dir.path(),
        "summary.md.j2",
        "{% for s in report.systems %}{{ s.name }}: {{ msg.tier[s.tier] }} ({{ lang }})\n{% endfor %}",
    );
    let o = run(&["--template", &t]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "HireRank: High-risk (en)\n");
    let o = run(&["--template", &t, "--lang", "fr"]);
    assert_eq!(stdout(&o), "HireRank: Haut risque (fr)\n");
}

#[test]
fn a_user_html_template_escapes_and_may_extend_ours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = template(
        dir.path(),
        "mine.html.j2",
        "{% extends \"report.html.j2\" %}{% block style %}body { color: #123456; }{% endblock %}",
    );
    let o = aiact(&[
        "audit",
        "fixtures/hostile",
        "--as-of",
        "2026-12-01",
        "--format",
        "html",
        "--template",
        &t,
    ]);
    // The hostile fixture declares an unknown fact: exit 2, the report is still written.
    let page = stdout(&o);
    assert!(page.contains("color: #123456"), "the block was overridden");
    assert!(page.contains("HostileBot &lt;script&gt;"), "still escaped");
    assert!(!page.to_ascii_lowercase().contains("<script"));
}

#[test]
fn a_template_syntax_error_points_at_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = template(
        dir.path(),
        "broken.md.j2",
        "# Report\n{% for s in report.systems %}\n{{ s.name }\n{% endfor %}\n",
    );
    let o = run(&["--template", &t]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("{t}:3:")), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_template_runtime_error_points_at_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = template(
        dir.path(),
        "undefined.md.j2",
        "# Report\n\n{{ report.no_such_field.name }}\n",
    );
    let o = run(&["--template", &t]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("{t}:3:")), "{err}");
    assert!(err.contains("undefined"), "{err}");
}

#[test]
fn a_missing_template_or_a_template_for_a_data_format_is_a_usage_error() {
    let o = run(&["--template", "no/such/file.j2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.j2"), "{}", stderr(&o));
    let o = run(&["--format", "json", "--template", "x.j2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--format md or --format html"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sarif_paths_are_relative_to_where_aiact_runs() {
    let o = run(&["--format", "sarif"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let uri =
        &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "fixtures/hirerank/aiact.yaml");
    // A manifest given as a file: its folder is the base.
    let o = aiact(&[
        "audit",
        "fixtures/hirerank/aiact.yaml",
        "--as-of",
        "2026-12-01",
        "--format",
        "sarif",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let uri =
        &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "fixtures/hirerank/aiact.yaml");
}
