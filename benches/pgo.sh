#!/usr/bin/env bash
# Runs the benches built with profile-guided optimisation (PGO).
#
#   bash benches/pgo.sh                              # every bench
#   bash benches/pgo.sh --bench sim -- two_activities # arguments go to `cargo bench`
#
# 1. builds the `tempest` binary instrumented (`-Cprofile-generate`) by
#    `cargo bench`, so that its library is compiled exactly as the benches'
#    (same profile, same dev-dependency features, hence the same symbol
#    names: a profile only applies to functions whose names match);
# 2. trains it: `tempest explore` over every bundled scenario except
#    `two_activities` (the benches' own workload, left out so that the figures
#    are not of a build tuned on the very runs it is timed on) and `large`
#    (100,000 executions a seed: slow when instrumented);
# 3. merges the profile with `llvm-profdata` (rustup's `llvm-tools`, installed
#    here if missing) and runs `cargo bench` with `-Cprofile-use`.
#
# Both builds go to target/pgo/, apart from the plain build in target/.
# PGO changes how the code is laid out and inlined, never what it does:
# histories and trace hashes are the plain build's (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."

pgo=$PWD/target/pgo
raw=$pgo/raw
profile=$pgo/tempest.profdata

sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
llvm_profdata=$sysroot/lib/rustlib/$host/bin/llvm-profdata
if [ ! -x "$llvm_profdata" ]; then
  rustup component add llvm-tools
fi

echo "pgo: building the instrumented tempest binary" >&2
rm -rf "$raw"
# `cargo bench` builds the package's binary too; one bench is enough.
RUSTFLAGS="-Cprofile-generate=$raw" CARGO_TARGET_DIR=$pgo/generate \
  cargo bench --locked --no-run --bench floor

echo "pgo: training on the bundled scenarios" >&2
mapfile -t scenarios < <(cd scenarios && ls ./*.json | sed 's#^\./##; s#\.json$##' |
  grep -v -x -e two_activities -e large)
"$pgo/generate/release/tempest" explore "${scenarios[@]}" --seeds 40 --jobs 1 >/dev/null

"$llvm_profdata" merge -o "$profile" "$raw"

echo "pgo: cargo bench $* (with the profile)" >&2
RUSTFLAGS="-Cprofile-use=$profile" CARGO_TARGET_DIR=$pgo/use \
  cargo bench --locked "$@"
