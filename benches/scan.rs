//! Criterion benchmarks of the evidence scanners: one extraction per source kind, and
//! the whole gather stage (walk, read, extract, merge) on a generated tree.
//! `cargo bench --bench scan`; the end-to-end measurement against `rg --files` is in
//! docs/performance.md.

use aiact::audit::{self, ScanOptions};
use aiact::decide::pack;
use aiact::extract;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// A corpus file if the shared corpus is beside the crate, else a stand-in.
fn corpus(rel: &str, fallback: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/real")
        .join(rel);
    std::fs::read_to_string(p).unwrap_or_else(|_| fallback.to_string())
}

const CARD: &str = "---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n# Model card\n\n## Model details\n\nA 7 billion parameter model trained on 2 trillion tokens with 100K H100 GPU hours.\n\n## Intended uses\n\nChat.\n";

fn extractors(c: &mut Criterion) {
    extract::warm_up();
    let card = corpus("llama3.1-model-card/MODEL_CARD.md", CARD);
    let readme = corpus(
        "deepface/README.md",
        "# deepface\n\nFace recognition and facial attribute analysis.\n",
    );
    let bom = corpus(
        "cdx-ml-1.5-stable-diffusion/valid-machine-learning-1.5.json",
        "{\"bomFormat\": \"CycloneDX\", \"components\": []}",
    );
    let reqs = corpus("deepface/requirements.txt", "torch\nopenai\n");
    let pkg = corpus(
        "chatbot-ui/package.json",
        "{\"dependencies\": {\"openai\": \"^4\"}}",
    );
    c.bench_function("model card (Llama 3.1)", |b| {
        b.iter(|| extract::extract_file("MODEL_CARD.md", black_box(&card)))
    });
    c.bench_function("prose README (deepface)", |b| {
        b.iter(|| extract::extract_file("README.md", black_box(&readme)))
    });
    c.bench_function("CycloneDX 1.5 ML-BOM (90 KB)", |b| {
        b.iter(|| extract::extract_file("bom.json", black_box(&bom)))
    });
    c.bench_function("requirements.txt", |b| {
        b.iter(|| extract::extract_file("requirements.txt", black_box(&reqs)))
    });
    c.bench_function("package.json", |b| {
        b.iter(|| extract::extract_file("package.json", black_box(&pkg)))
    });
}

/// A small tree: 2,000 files of which 20 model cards, 20 manifests, 100 docs.
fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for i in 0..2000 {
        let dir = t.path().join(format!("a{}/b{}", i % 10, i % 7));
        let _ = std::fs::create_dir_all(&dir);
        let (name, text) = match i % 100 {
            0 => (format!("m{i}/README.md"), CARD.to_string()),
            1 => (
                format!("requirements{i}.txt"),
                "torch\nopenai\nflask\n".to_string(),
            ),
            2..=6 => (
                format!("doc{i}.md"),
                "# Notes\n\nWe resume training from checkpoints.\n".to_string(),
            ),
            _ => (format!("f{i}.py"), "def f(x):\n    return x\n".repeat(10)),
        };
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(p, text);
    }
    t
}

fn gather(c: &mut Criterion) {
    let t = tree();
    let Ok(pack) = pack::load_with(&[]) else {
        return;
    };
    let opts = ScanOptions::default();
    c.bench_function("gather 2,000-file tree", |b| {
        b.iter(|| audit::gather_with(black_box(t.path()), &pack, &opts))
    });
}

criterion_group!(benches, extractors, gather);
criterion_main!(benches);
