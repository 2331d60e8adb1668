"""Python twins of Tempest's library workflows (src/workflow/library/).

Each workflow has the same workflow type name, the same activity type names
and issues the same command sequence as its Rust original, so that a history
Tempest exports for the Rust workflow replays against the Python one in
temporalio's Replayer without a nondeterminism error.
"""

from datetime import timedelta
from typing import Any, List

from temporalio import activity, workflow
from temporalio.exceptions import ActivityError, ApplicationError

TEN_SECONDS = timedelta(seconds=10)


@activity.defn(name="activity_a")
async def activity_a(text: str) -> str:
    return f"{text} A"


@activity.defn(name="activity_b")
async def activity_b(text: str) -> str:
    return f"{text} B"


@activity.defn(name="saga_step")
async def saga_step(step: dict) -> str:
    if step.get("fail"):
        raise ApplicationError(f"step {step['step']} failed", type="StepFailed", non_retryable=True)
    return f"{step['step']} done"


@activity.defn(name="saga_compensate")
async def saga_compensate(step: dict) -> str:
    return f"{step['step']} undone"


@workflow.defn(name="two_activities")
class TwoActivities:
    """activity_a(input), then activity_b(its result); returns activity_b's result."""

    @workflow.run
    async def run(self, text: str) -> str:
        a = await workflow.execute_activity("activity_a", text, start_to_close_timeout=TEN_SECONDS)
        return await workflow.execute_activity("activity_b", a, start_to_close_timeout=TEN_SECONDS)


@workflow.defn(name="two_activities")
class TwoActivitiesAsTimer:
    """Negative control: a changed two_activities that starts a timer where the
    original schedules activity_a, which the replayer must reject.

    (A changed activity *type* alone is not enough: temporalio 1.35's core
    matches ScheduleActivityTask commands to ActivityTaskScheduled events by
    activity id, so swapping activity_a and activity_b replays cleanly there.)
    """

    @workflow.run
    async def run(self, text: str) -> str:
        await workflow.sleep(TEN_SECONDS)
        return text


@workflow.defn(name="signal_counter")
class SignalCounter:
    """Waits for input["signals"] "increment" signals and returns the sum of their values."""

    def __init__(self) -> None:
        self.received: List[int] = []

    @workflow.signal(name="increment")
    def increment(self, value: Any) -> None:
        self.received.append(value if isinstance(value, int) else 1)

    @workflow.run
    async def run(self, args: dict) -> int:
        wanted = args.get("signals", 1)
        await workflow.wait_condition(lambda: len(self.received) >= wanted)
        return sum(self.received[:wanted])


def parse_duration(text: str) -> timedelta:
    """The subset of Tempest's duration syntax the scenarios use: <n>d, <n>h, <n>m, <n>s, <n>ms."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    for suffix in ("ms", "s", "m", "h", "d"):
        if text.endswith(suffix) and text[: -len(suffix)].isdigit():
            return timedelta(seconds=int(text[: -len(suffix)]) * units[suffix])
    raise ApplicationError(f"bad duration {text!r}", type="BadInput", non_retryable=True)


@workflow.defn(name="sleep_for")
class SleepFor:
    """Sleeps for the duration its input names (one durable timer), returns the input."""

    @workflow.run
    async def run(self, text: str) -> str:
        await workflow.sleep(parse_duration(text))
        return text


@workflow.defn(name="saga")
class Saga:
    """Runs saga_step for step0..step{steps-1}; if one fails, compensates the done steps in reverse and fails."""

    @workflow.run
    async def run(self, args: dict) -> list:
        steps = args.get("steps", 3)
        fail_at = args.get("fail_at")
        done: List[str] = []
        results = []
        for index in range(steps):
            step = f"step{index}"
            try:
                result = await workflow.execute_activity(
                    "saga_step",
                    {"step": step, "fail": fail_at == index},
                    start_to_close_timeout=TEN_SECONDS,
                )
            except ActivityError as cause:
                undone = []
                for finished in reversed(done):
                    undone.append(
                        await workflow.execute_activity(
                            "saga_compensate", {"step": finished}, start_to_close_timeout=TEN_SECONDS
                        )
                    )
                raise ApplicationError(
                    f"{step} failed; compensated", undone, type="SagaFailed", non_retryable=True
                ) from cause
            results.append(result)
            done.append(step)
        return results


WORKFLOWS = [TwoActivities, SignalCounter, SleepFor, Saga]
ACTIVITIES = [activity_a, activity_b, saga_step, saga_compensate]
