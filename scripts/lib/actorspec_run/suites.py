"""What one result source produced in this run, in words every output uses.

A *result source* is one command that writes one results file for one
backend: a GoogleTest binary filtered to the backend, one perf family of the
Google Benchmark binary, or (later) an external program such as an Erlang
node that writes the same JSON formats. Whatever it is, its outcome is one of
the statuses below, and a broken one is a failure in every output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import List, Optional

OK = "ok"                    # ran to the end, results written
FAILED = "failed"            # results written, some test failed
CRASHED = "crashed"          # died by a signal or a non-zero exit without the results it owes
TIMED_OUT = "timed out"      # killed after its timeout
NO_RESULTS = "no results"    # exited 0 but wrote nothing usable

BROKEN = (CRASHED, TIMED_OUT, NO_RESULTS)


@dataclass
class SourceOutcome:
    kind: str                       # "conformance" or "perf"
    backend: str
    name: str                       # e.g. "conformance/fiber" or "perf/ring/fiber"
    status: str
    detail: str = ""                # exit status / signal and what was running
    results: Optional[str] = None   # the results file written in this run, if usable
    command: List[str] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return self.status in BROKEN

    def to_json(self) -> dict:
        return asdict(self)
