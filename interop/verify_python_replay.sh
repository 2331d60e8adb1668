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
#        FAULTS=swarm interop/verify_python_replay.sh $(seq 1 15)
#   FAULTS (a fault setting: swarm, everything) runs copies of the scenarios
#   with that fault setting and without their fault-free expectations, so the
#   exported histories hold timed-out and failed workflow tasks, retries, etc.
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

rm -rf "$out" && mkdir -p "$out"

# The bundled scenario if the tree has it, else the copy kept under interop/;
# with FAULTS set, a copy of it under that fault setting.
scenario_file() {
  local file="interop/scenarios/$1.json"
  if [[ -f "scenarios/$1.json" ]]; then file="scenarios/$1.json"; fi
  if [[ -n "${FAULTS:-}" ]]; then
    python3 - "$file" "$FAULTS" "$out/$1.json" <<'PY'
import json, sys
source, faults, target = sys.argv[1:]
scenario = json.load(open(source))
scenario["faults"] = faults
for group in scenario["workflows"]:
    group.pop("expect", None)
json.dump(scenario, open(target, "w"))
PY
    file="$out/$1.json"
  fi
  echo "$file"
}

for scenario in two_activities signals timer_years saga; do
  file="$(scenario_file "$scenario")"
  for seed in "${seeds[@]}"; do
    # Exit 1 (a checker flagged the run) still leaves histories to replay; 2 is bad input.
    "$tempest" history "$file" --seed "$seed" --format temporal >"$out/$scenario-seed$seed.jsonl" \
      || [[ $? -eq 1 ]]
  done
  echo "exported $scenario ($file${FAULTS:+, faults $FAULTS}), seeds ${seeds[*]}"
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
