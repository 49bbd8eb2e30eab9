"""Whether a benchmark's repetitions ran on an oversubscribed machine.

The perf harness (perf/harness.cpp, `measure`) records per repetition
`runnable_at_start` (tasks wanting a CPU on the whole machine as the timed
batch started, /proc/loadavg, this process's own thread included),
`preemptions` (involuntary context switches of this process during the
batch) and `cpu_ns_per_op` (CPU time of the whole process per operation).

The rule: a benchmark ran LOADED when its median repetition started with
more runnable tasks than the machine has CPUs (median `runnable_at_start` >
CPUs), counting the benchmark's own process as one task: where the harness
also records `own_runnable_at_start` (this process's threads in state R,
the reader included), the others are taken off, so the benchmark's own
spinning workers never make a quiet machine look loaded. More tasks than CPUs means the kernel had to share them, so each
repetition's wall clock holds waits for a CPU (scheduler ticks, about 4 ms
apiece here) that say more about the machine than about the code; on a
machine with a CPU per runnable task the rule never fires. The median, not
one repetition, because the verdicts judge the median: one loaded
repetition of nine moves a median little, most of them move it a lot.
Why this counter and not `preemptions`: preemptions grow with how long a
repetition runs and with the backend's own thread count (the thread backend
preempts itself), so no one threshold separates load from code; runnable
tasks at the start is a fact about the machine alone. The data behind the
choice are in reports/README.md ("Verdicts on a loaded machine").

What is decided on a loaded benchmark: every verdict that rests on its wall
clock (a target met or missed, faster or slower than another backend or
the BEAM, a regression against a baseline) becomes unknown, with the load
as the reason. Quiet benchmarks keep their verdicts unchanged. A benchmark
without the counters (the BEAM's rows, runs of older binaries) or a run
whose CPU count is not recorded has load NOT_RECORDED: its verdicts are
judged as before, and the report says the load was not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

from . import stats

RUNNABLE = "runnable_at_start"
OWN_RUNNABLE = "own_runnable_at_start"
PREEMPTIONS = "preemptions"
CPU_PER_OP = "cpu_ns_per_op"

QUIET, LOADED, NOT_RECORDED = "quiet", "loaded", "not recorded"


@dataclass(frozen=True)
class Load:
    state: str                               # QUIET, LOADED or NOT_RECORDED
    cpus: Optional[int] = None
    runnable: Optional[float] = None         # median repetition's runnable_at_start
    preemptions: Optional[float] = None      # median per repetition
    cpu_ns_per_op: Optional[float] = None    # median
    loaded_repetitions: int = 0              # repetitions that started with more runnable tasks than CPUs
    repetitions: int = 0

    @property
    def loaded(self) -> bool:
        return self.state == LOADED

    @property
    def why(self) -> str:
        """The reason a verdict is unknown, in a few words ('' when quiet)."""
        if self.state != LOADED:
            return ""
        return (f"machine loaded: median repetition started with {self.runnable:g} runnable tasks on {self.cpus} CPUs "
                f"(this process counted once; {self.loaded_repetitions} of {self.repetitions} repetitions "
                f"oversubscribed)")

    def facts(self) -> Dict[str, object]:
        """For comparison.json."""
        return {"state": self.state, "cpus": self.cpus, "runnable_at_start_median": self.runnable,
                "preemptions_median": self.preemptions, "cpu_ns_per_op_median": self.cpu_ns_per_op,
                "oversubscribed_repetitions": self.loaded_repetitions, "repetitions": self.repetitions}


RULE = ("a benchmark's verdicts are unknown (machine loaded) when its median repetition started with more "
        "runnable tasks than CPUs (runnable_at_start from /proc/loadavg, this process counted once, recorded by "
        "the perf harness); rows without that counter (the BEAM's) and bytes per process are judged as before")


def cpus_of(context: Mapping[str, object]) -> Optional[int]:
    """The machine's CPU count from a perf JSON context (Google Benchmark's num_cpus)."""
    for k in ("num_cpus", "actorspec_cores"):
        v = context.get(k)
        try:
            n = int(str(v).strip())
        except (TypeError, ValueError):
            continue
        if n > 0:
            return n
    return None


def _median(xs: Optional[List[float]]) -> Optional[float]:
    return stats.median(xs) if xs else None


def of(counters: Mapping[str, List[float]], cpus: Optional[int]) -> Load:
    """The load of one benchmark from its per-repetition counters."""
    runnable = list(counters.get(RUNNABLE) or [])
    own = list(counters.get(OWN_RUNNABLE) or [])
    if own and len(own) == len(runnable):
        # The process as one task: its reader thread stays, its other
        # runnable threads are the benchmark, not the machine's load.
        runnable = [r - max(o - 1.0, 0.0) for r, o in zip(runnable, own)]
    pre, cpu = _median(counters.get(PREEMPTIONS)), _median(counters.get(CPU_PER_OP))
    if not runnable or not cpus:
        return Load(NOT_RECORDED, cpus, None, pre, cpu, 0, len(runnable))
    med = stats.median(runnable)
    over = sum(1 for r in runnable if r > cpus)
    return Load(LOADED if med > cpus else QUIET, cpus, med, pre, cpu, over, len(runnable))
