#!/usr/bin/env python3
"""Compare `aiact audit` with listing the same tree (docs/performance.md).

usage: scripts/bench-audit.py TREE [RUNS] [AIACT_BINARY]
Warm cache: every command runs once before timing. Prints, per command, the minimum wall
time, the minimum CPU time (user + sys) and the largest peak RSS over RUNS runs, measured
with /usr/bin/time -v. The minimum is the figure least disturbed by other load on the
machine.
"""
import os
import subprocess
import sys
import tempfile


def measure(cmd):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out = {}
        for line in open(t.name):
            k, _, v = line.strip().rpartition(": ")
            out[k] = v
    wall = out.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    parts = [float(p) for p in wall.split(":")]
    secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(out.get("User time (seconds)", 0)) + float(out.get("System time (seconds)", 0))
    return secs, cpu, int(out.get("Maximum resident set size (kbytes)", 0))


def main():
    tree = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    aiact = sys.argv[3] if len(sys.argv) > 3 else "target/release/aiact"
    cmds = [
        ("find TREE -type f", ["find", tree, "-type", "f"]),
        ("rg --files TREE", ["rg", "--files", tree]),
        ("aiact audit TREE --format json", [aiact, "audit", tree, "--format", "json", "--as-of", "2026-12-01"]),
    ]
    for _, c in cmds:
        measure(c)  # warm the cache
    rows = {name: [] for name, _ in cmds}
    for _ in range(runs):
        for name, c in cmds:  # interleaved, so load changes hit every command alike
            rows[name].append(measure(c))
    for name, _ in cmds:
        r = rows[name]
        print(f"{name:34} wall min {min(x[0] for x in r):5.2f} s  "
              f"cpu min {min(x[1] for x in r):5.2f} s  max RSS {max(x[2] for x in r) / 1024:6.1f} MiB")


if __name__ == "__main__":
    main()
