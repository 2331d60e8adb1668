#!/usr/bin/env bash
# Verifies Tempest's Temporal JSON export against the Temporal Python SDK's
# replayer (temporalio.worker.Replayer): exports the histories of the
# two_activities, signals, timer_years and saga scenarios and replays each
# against the equivalent Python workflows in interop/python/workflows.py.
# A negative control checks that the replayer does reject a changed workflow.
#
# Needs python3 (3.9+) and network access to PyPI the first time (installs
# temporalio into target/interop-venv). Not part of `cargo test`.
#
# Usage: interop/verify_python_replay.sh [SEED...]   (default seeds: 1 2 3)
# Exit 0 iff every history replays cleanly and the negative control is rejected.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seeds=("${@:-1 2 3}")
read -r -a seeds <<<"${seeds[*]}"
venv="$root/target/interop-venv"
out="$root/target/interop"
temporalio_version="${TEMPORALIO_VERSION:-1.35.0}"

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import temporalio" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "temporalio==$temporalio_version"
fi
echo "temporalio $("$venv/bin/python" -c 'import temporalio; print(temporalio.__version__)')"

cargo build --quiet --release
tempest="$root/target/release/tempest"

# The bundled scenario if the tree has it, else the copy kept under interop/.
scenario_file() {
  if [[ -f "scenarios/$1.json" ]]; then echo "scenarios/$1.json"; else echo "interop/scenarios/$1.json"; fi
}

rm -rf "$out" && mkdir -p "$out"
for scenario in two_activities signals timer_years saga; do
  file="$(scenario_file "$scenario")"
  for seed in "${seeds[@]}"; do
    "$tempest" history "$file" --seed "$seed" --format temporal >"$out/$scenario-seed$seed.jsonl"
  done
  echo "exported $scenario ($file), seeds ${seeds[*]}"
done

cd "$root/interop/python"
status=0
"$venv/bin/python" replay.py "$out"/*.jsonl 2>"$out/replay.log" || status=1
"$venv/bin/python" replay.py --expect-nondeterminism "$out"/two_activities-seed*.jsonl \
  2>"$out/negative-control.log" | tail -n 1 || status=1
if [[ $status -eq 0 ]]; then
  echo "PASS: every exported history replays cleanly in temporalio's Replayer"
else
  echo "FAIL: see the lines above and $out/*.log"
fi
exit $status
