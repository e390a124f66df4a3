#!/bin/sh
# Instructions executed by `rg --files TREE`, `find TREE -type f` and `aiact audit TREE`,
# counted by valgrind's callgrind: unlike seconds, the counts do not move with the load of
# other jobs on the machine (docs/performance.md).
#
# usage: scripts/count-instructions.sh TREE [AIACT_BINARY]
set -eu
tree=$1
aiact=${2:-target/release/aiact}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
    name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$@" >/dev/null 2>"$out/err" || true
    total=$(sed -n 's/^==[0-9]*== Collected : //p' "$out/err")
    printf '%-34s %15s instructions\n' "$name" "$total"
}
count "find TREE -type f" find "$tree" -type f
count "rg --files TREE" rg --files "$tree"
count "aiact audit TREE --format json" "$aiact" audit "$tree" --format json --as-of 2026-12-01
