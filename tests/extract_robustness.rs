//! No extractor panics on arbitrary input, and every hostile input gives a diagnostic
//! (file, line, column, what was expected) while the scan goes on.

use aiact::extract::{self, Tree};
use proptest::prelude::*;

/// File names that reach every extractor.
const NAMES: &[&str] = &[
    "README.md",
    "MODEL_CARD.md",
    "docs/guide.rst",
    "bom.json",
    "sbom.spdx3.json",
    "requirements.txt",
    "pyproject.toml",
    "setup.cfg",
    "Pipfile",
    "environment.yml",
    "package.json",
    "Cargo.toml",
    "go.mod",
];

fn run_all(text: &str) {
    for name in NAMES {
        let _ = extract::extract_file(name, text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        run_all(&s);
    }

    #[test]
    fn structured_noise_never_panics(
        head in prop::sample::select(vec!["---\n", "{\"bomFormat\": \"CycloneDX\", ", "{\"@context\": \"https://spdx.org/rdf/3.0.1\", \"@graph\": [", "[project]\ndependencies = [", "<table><tr><td rowspan=\"9\">", "| Params | Tokens |\n|---|---|\n", ""]),
        body in "[-\\[\\]{}:,\"'#|<>/=a-z0-9 \\n\\t.*&^]{0,300}",
        tail in prop::sample::select(vec!["\n---\n# x\n", "]}", "]", "</td></tr>", ""]),
    ) {
        run_all(&format!("{head}{body}{tail}"));
    }

    #[test]
    fn quantity_like_text_never_panics(s in "([0-9]{1,4}(\\.[0-9])?\\s?(B|M|T|K|billion|亿|万亿)?\\s?(parameters|tokens|GPU hours|FLOPs|参数|token)?\\s?){1,12}") {
        run_all(&s);
    }
}

fn diag_codes(name: &str, text: &str) -> Vec<String> {
    let x = extract::extract_file(name, text).expect("the file is evidence by name");
    for d in &x.diagnostics {
        assert!(d.line >= 1, "diagnostic without a line: {d}");
        assert_eq!(d.file, name);
    }
    x.diagnostics.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn hostile_inputs_give_diagnostics() {
    assert_eq!(
        diag_codes(
            "README.md",
            "---\nlicense: mit\ntags: [a]\n\n# Never closed\n"
        ),
        ["card.front_matter_unclosed"]
    );
    assert_eq!(
        diag_codes("README.md", "---\n{{ card_data }}\n---\n# Card\n"),
        ["card.template"]
    );
    let deep = format!("---\nx: {}\n---\n", "[".repeat(20_000));
    assert_eq!(diag_codes("README.md", &deep), ["yaml.syntax"]);
    let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let p = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!(
            "l{i}: &l{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    bomb.push_str("---\n");
    assert_eq!(diag_codes("README.md", &bomb), ["yaml.syntax"]);
    assert_eq!(
        diag_codes("pyproject.toml", "[project\nname = 1\n"),
        ["toml.syntax"]
    );
    assert_eq!(
        diag_codes("Cargo.toml", &format!("x = {}", "[".repeat(10_000))),
        ["toml.too_deep"]
    );
    assert_eq!(
        diag_codes("package.json", "{\"dependencies\": {\"openai\": }"),
        ["json.syntax"]
    );
    assert_eq!(
        diag_codes(
            "bom.json",
            "{\"bomFormat\": \"CycloneDX\", \"components\": [{]}"
        ),
        ["json.syntax"]
    );
    assert_eq!(
        diag_codes(
            "x.spdx3.json",
            "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\", \"@graph\": [,]}"
        ),
        ["json.syntax"]
    );
    assert_eq!(
        diag_codes("environment.yml", "dependencies: [a, b\n"),
        ["yaml.syntax"]
    );
    let deep_json = format!(
        "{{\"bomFormat\": \"CycloneDX\", \"x\": {}}}",
        "[".repeat(100_000)
    );
    assert_eq!(diag_codes("bom.json", &deep_json), ["json.syntax"]);

    struct Empty;
    impl Tree for Empty {
        fn exists(&self, _: &str) -> Option<bool> {
            Some(false)
        }
    }
    let x = extract::extract_file_in("requirements.txt", "-r missing.txt\ntorch\n", &Empty)
        .expect("evidence");
    assert_eq!(x.diagnostics.len(), 1);
    assert_eq!(x.diagnostics[0].code, "requirements.missing_include");
    assert_eq!((x.diagnostics[0].line, x.diagnostics[0].column), (1, 1));
    // The scan goes on: the rest of the file was read.
    assert!(x.facts.iter().any(|f| f.id == "art3.1"));
}

#[test]
fn json_that_is_not_a_bom_is_not_evidence() {
    assert!(extract::extract_file("tsconfig.json", "{\"compilerOptions\": {}}").is_none());
    assert!(extract::extract_file("data.json", "not json at all").is_none());
}

/// Real files cut at many places (unclosed tables, front matter, JSON, HTML) never panic.
#[test]
fn truncated_corpus_files_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    let Ok(dirs) = std::fs::read_dir(&root) else {
        eprintln!("note: {} is absent; skipped", root.display());
        return;
    };
    for dir in dirs.filter_map(Result::ok) {
        let Ok(files) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        for f in files.filter_map(Result::ok) {
            let name = f.file_name().to_string_lossy().to_string();
            let Ok(bytes) = std::fs::read(f.path()) else {
                continue;
            };
            let Ok(text) = extract::text::decode(&bytes) else {
                continue;
            };
            let step = (text.len() / 20).max(1);
            let mut cut = 0;
            while cut < text.len() {
                let at = extract::text::floor_char_boundary(&text, cut);
                let _ = extract::extract_file(&name, &text[..at]);
                // And with the cut part repeated: nesting and tables out of balance.
                let head = extract::text::floor_char_boundary(&text, at.min(200));
                let _ = extract::extract_file(&name, &format!("{}{}", &text[..at], &text[..head]));
                cut += step;
            }
        }
    }
}
