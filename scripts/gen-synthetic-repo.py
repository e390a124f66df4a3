#!/usr/bin/env python3
"""Generate a synthetic repository for measuring `aiact audit` (docs/performance.md).

Deterministic (fixed seed). Default shape: 100,000 files in nested folders, of which
500 model cards, 300 package manifests (requirements.txt, package.json, pyproject.toml),
50 CycloneDX ML-BOMs, 2,000 documentation pages, 2,000 ordinary JSON files, the rest
source files; plus a .gitignore'd build/ folder that must not be read.

usage: scripts/gen-synthetic-repo.py OUT_DIR [--files N] [--cards N] [--manifests N]
"""
import argparse
import json
import os
import random

CARD = """---
license: {license}
pipeline_tag: {tag}
tags: [synthetic, test]
datasets: [synthetic/corpus-{i}]
---
# Model card for synth-{i}

## Model details

synth-{i} is a {params} billion parameter model trained on {tokens} trillion tokens.
Training used {hours}K H100 GPU hours.

## Intended uses

Research on {tag} for internal evaluation.

## Out-of-scope use

Anything else.

## Bias, risks and limitations

It makes mistakes.

## Training data

Synthetic data.

## Evaluation

| Benchmark | Score |
|---|---|
| synth-bench | {score} |
"""

DOC = """# Notes {i}

This page documents module {i}. It explains configuration, logging and deployment.
We resume training from the last checkpoint when a job fails. {extra}
"""

EXTRAS = [
    "",
    "The service includes a chatbot for customer questions.",
    "Candidates are ranked by relevance for the search index.",
    "It generates images from text prompts.",
    "",
    "",
]

SRC = "def f_{i}(x):\n    # synthetic source file {i}\n    return x * {i}\n" + "# padding line\n" * 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--cards", type=int, default=500)
    ap.add_argument("--manifests", type=int, default=300)
    ap.add_argument("--boms", type=int, default=50)
    ap.add_argument("--docs", type=int, default=2_000)
    ap.add_argument("--json", type=int, default=2_000)
    a = ap.parse_args()
    rnd = random.Random(1689)
    os.makedirs(a.out, exist_ok=True)

    # Folders: 10 top-level areas x 10 packages x 10 modules, files spread across them.
    dirs = [f"area{x}/pkg{y}/mod{z}" for x in range(10) for y in range(10) for z in range(10)]
    for d in dirs:
        os.makedirs(os.path.join(a.out, d), exist_ok=True)

    def write(rel, text):
        p = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)

    n = 0
    for i in range(a.cards):
        d = dirs[(i * 7) % len(dirs)]
        write(f"{d}/models/m{i}/README.md", CARD.format(
            i=i,
            license=rnd.choice(["apache-2.0", "mit", "llama3.1", "openrail"]),
            tag=rnd.choice(["text-generation", "image-classification", "text-to-image"]),
            params=rnd.choice([1, 7, 13, 70]),
            tokens=rnd.choice([1, 2, 15]),
            hours=rnd.randint(10, 900),
            score=rnd.randint(10, 90),
        ))
        n += 1
    for i in range(a.manifests):
        d = dirs[(i * 13) % len(dirs)]
        k = i % 3
        if k == 0:
            write(f"{d}/requirements.txt", "\n".join(rnd.sample(
                ["numpy", "torch>=2", "transformers", "openai", "flask", "requests", "pandas", "scikit-learn"], 4)) + "\n")
        elif k == 1:
            write(f"{d}/package.json", json.dumps({"name": f"p{i}", "dependencies": {
                dep: "^1.0.0" for dep in rnd.sample(["react", "openai", "express", "langchain", "lodash"], 3)}}, indent=2))
        else:
            deps = ", ".join(f'"{x}"' for x in rnd.sample(["httpx", "torch", "pydantic", "anthropic", "rich"], 3))
            write(f"{d}/pyproject.toml", f'[project]\nname = "p{i}"\nversion = "0.1.0"\ndependencies = [{deps}]\n')
        n += 1
    for i in range(a.boms):
        d = dirs[(i * 17) % len(dirs)]
        write(f"{d}/bom-{i}.cdx.json", json.dumps({
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [{"type": "machine-learning-model", "name": f"bom-model-{i}",
                            "licenses": [{"license": {"id": "Apache-2.0"}}],
                            "modelCard": {"modelParameters": {"task": "text-classification"},
                                          "considerations": {"useCases": ["spam filtering"]}}}]}, indent=2))
        n += 1
    for i in range(a.docs):
        d = dirs[(i * 3) % len(dirs)]
        write(f"{d}/docs/page{i}.md", DOC.format(i=i, extra=EXTRAS[i % len(EXTRAS)]))
        n += 1
    for i in range(a.json):
        d = dirs[(i * 11) % len(dirs)]
        write(f"{d}/config{i}.json", json.dumps({"name": f"c{i}", "values": list(range(20))}))
        n += 1
    i = 0
    while n < a.files:
        d = dirs[i % len(dirs)]
        ext = ["py", "js", "rs", "txt", "yaml"][i % 5]
        write(f"{d}/src/f{i}.{ext}", SRC.format(i=i))
        n += 1
        i += 1
    # Ignored output that must not be read.
    write(".gitignore", "build/\n")
    for j in range(200):
        write(f"build/out{j}/README.md", "# generated\n")
    os.makedirs(os.path.join(a.out, ".git"), exist_ok=True)
    print(f"wrote {n} files under {a.out} (plus 200 ignored under build/)")


if __name__ == "__main__":
    main()
