"""Replays Temporal JSON histories (one per line, as `tempest history --format
temporal` prints them) with temporalio's Replayer against workflows.py.

Usage: python replay.py [--expect-nondeterminism] FILE...

Exit 0 iff every history replays cleanly (or, with --expect-nondeterminism,
iff every history is rejected: the negative control that shows the replayer
really compares commands, run against TwoActivitiesAsTimer, a changed
two_activities).
"""

import asyncio
import os
import sys

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows import WORKFLOWS, TwoActivitiesAsTimer


async def main(paths: list, expect_nondeterminism: bool) -> int:
    replayer = Replayer(workflows=[TwoActivitiesAsTimer] if expect_nondeterminism else WORKFLOWS)
    failures = 0
    total = 0
    for path in paths:
        with open(path) as f:
            lines = [line for line in f if line.strip()]
        for index, line in enumerate(lines):
            total += 1
            history = WorkflowHistory.from_json(f"{path}#{index}", line)
            result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
            failure = result.replay_failure
            where = f"{path} history {index + 1}/{len(lines)}"
            if expect_nondeterminism:
                failures += failure is None
                print(f"{'rejected' if failure else 'ACCEPTED'}  {where}: {failure!r}")
            else:
                failures += failure is not None
                print(f"{'ok' if failure is None else 'FAIL'}  {where}" + (f": {failure!r}" if failure else ""))
    verdict = "rejected as nondeterministic" if expect_nondeterminism else "replayed cleanly"
    print(f"{total - failures}/{total} histories {verdict}")
    return 1 if failures or total == 0 else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    expect = "--expect-nondeterminism" in args
    code = asyncio.run(main([a for a in args if a != "--expect-nondeterminism"], expect))
    sys.stdout.flush()
    # temporalio's Rust core threads can abort the interpreter during
    # finalisation (PyGILState_Release); the verdict is already printed.
    os._exit(code)
