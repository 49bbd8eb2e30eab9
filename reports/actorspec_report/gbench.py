"""Reading Google Benchmark JSON (1.7.x, --benchmark_format=json).

Our perf suite registers every benchmark once per backend and names it
`family[/arg...]/backend`; Google Benchmark then appends its own options
(`/real_time`, `/iterations:10`, ...). Everything downstream keys on the
normalised name with those options removed, so a baseline recorded with
different options still lines up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from . import jsonfile

# Path elements that Google Benchmark appends for run options. threads:N is
# one of them but changes what is measured, so it is kept as an argument.
_OPTION_ELEMENT = re.compile(
    r"^(?:real_time|manual_time|process_time|iterations:\d+|repeats:\d+"
    r"|min_time:[0-9.eE+-]+s?|min_warmup_time:[0-9.eE+-]+s?)$")
_THREADS_ELEMENT = re.compile(r"^threads:\d+$")
# NAME:VALUE with a numeric value marks a sweep parameter (ring/R:1000).
_PARAM_ELEMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)$")
_AGGREGATE_SUFFIX = re.compile(r"_(?:mean|median|stddev|cv|min|max)$")

_NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Keys of a benchmark row that are Google Benchmark's own, not user counters.
_STANDARD_KEYS = frozenset({
    "name", "family_index", "per_family_instance_index", "run_name",
    "run_type", "repetitions", "repetition_index", "threads", "iterations",
    "real_time", "cpu_time", "time_unit", "aggregate_name", "aggregate_unit",
    "error_occurred", "error_message", "label", "big_o", "rms",
    "cpu_coefficient", "real_coefficient", "complexity_n", "skipped",
    "skip_message",
})


class PerfInputError(ValueError):
    """The file is not Google Benchmark JSON we can use."""


@dataclass(frozen=True)
class BenchName:
    """A benchmark name split into the parts the report groups by."""
    family: str
    args: Tuple[str, ...]   # the path elements between family and backend
    backend: str

    @property
    def variant(self) -> str:
        """The arguments as one label ('' when the family has none)."""
        return "/".join(self.args)

    @property
    def key(self) -> str:
        """Normalised full name: family[/args]/backend."""
        return "/".join((self.family,) + self.args + (self.backend,))

    @property
    def case(self) -> str:
        """Normalised name without the backend: what backends compete on."""
        return "/".join((self.family,) + self.args)

    def params(self) -> Dict[str, float]:
        """Numeric NAME:VALUE arguments, the candidates for a sweep axis."""
        out: Dict[str, float] = {}
        for a in self.args:
            m = _PARAM_ELEMENT.match(a)
            if m:
                out[m.group(1)] = float(m.group(2))
        return out


def parse_name(name: str) -> BenchName:
    parts = name.split("/")
    threads: List[str] = []
    while len(parts) > 1 and (_OPTION_ELEMENT.match(parts[-1]) or _THREADS_ELEMENT.match(parts[-1])):
        last = parts.pop()
        if _THREADS_ELEMENT.match(last):
            threads.insert(0, last)
    if len(parts) == 1:
        return BenchName(family=parts[0], args=tuple(threads), backend="unknown")
    return BenchName(family=parts[0], args=tuple(parts[1:-1]) + tuple(threads), backend=parts[-1])


@dataclass
class Benchmark:
    """All rows of one benchmark on one backend, times in nanoseconds."""
    name: BenchName
    raw_name: str
    times_ns: List[float] = field(default_factory=list)      # per repetition
    counters: Dict[str, List[float]] = field(default_factory=dict)
    aggregates: Dict[str, float] = field(default_factory=dict)  # gbench's own
    iterations: List[int] = field(default_factory=list)
    error: Optional[str] = None
    label: Optional[str] = None
    # Registration order in the binary (family_index, instance index): random
    # interleaving shuffles the rows, this keeps the report's order stable.
    order: Tuple[float, float] = (float("inf"), float("inf"))


@dataclass
class PerfRun:
    context: Dict[str, object]
    benchmarks: List[Benchmark]
    source: str = ""

    def backends(self) -> List[str]:
        seen: List[str] = []
        for b in self.benchmarks:
            if b.name.backend not in seen:
                seen.append(b.name.backend)
        return seen

    def by_key(self) -> Dict[str, Benchmark]:
        return {b.name.key: b for b in self.benchmarks}


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _to_ns(value: float, unit: str) -> float:
    try:
        return float(value) * _NS_PER_UNIT[unit]
    except KeyError:
        raise PerfInputError(f"unknown time_unit {unit!r}") from None


def _row_base_name(row: dict) -> str:
    """The name that identifies the benchmark, shared by its aggregate rows."""
    run_name = row.get("run_name")
    if isinstance(run_name, str) and run_name:
        return run_name
    name = str(row.get("name", ""))
    if row.get("run_type") == "aggregate":
        name = _AGGREGATE_SUFFIX.sub("", name)
    return name


def parse(doc: dict, source: str = "") -> PerfRun:
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise PerfInputError(f"{source or 'input'}: no 'benchmarks' list; not Google Benchmark JSON")
    context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    order: List[str] = []
    found: Dict[str, Benchmark] = {}
    for row in doc["benchmarks"]:
        if not isinstance(row, dict) or "name" not in row:
            continue
        raw = _row_base_name(row)
        bname = parse_name(raw)
        bench = found.get(bname.key)
        if bench is None:
            bench = Benchmark(name=bname, raw_name=raw)
            found[bname.key] = bench
            order.append(bname.key)
        _absorb_row(bench, row)
    return PerfRun(context=dict(context), benchmarks=[found[k] for k in order], source=source)


def _absorb_row(bench: Benchmark, row: dict) -> None:
    if _is_number(row.get("family_index")):
        instance = row.get("per_family_instance_index")
        order = (float(row["family_index"]), float(instance) if _is_number(instance) else 0.0)
        bench.order = min(bench.order, order)
    if row.get("error_occurred") or row.get("skipped"):
        bench.error = str(row.get("error_message") or row.get("skip_message") or "benchmark reported an error")
        return
    unit = str(row.get("time_unit", "ns"))
    if isinstance(row.get("label"), str) and row["label"]:
        bench.label = row["label"]
    if row.get("run_type") == "aggregate":
        agg = str(row.get("aggregate_name", ""))
        if agg and _is_number(row.get("real_time")):
            # cv is reported as a fraction, everything else in time_unit.
            if row.get("aggregate_unit") == "percentage" or agg == "cv":
                bench.aggregates[agg] = float(row["real_time"])
            else:
                bench.aggregates[agg] = _to_ns(row["real_time"], unit)
        return
    if not _is_number(row.get("real_time")):
        if isinstance(row.get("real_time"), float):
            # NaN or infinity: the measurement is broken, say so on the row.
            bench.error = f"real_time of a repetition is {row['real_time']}, not a finite number"
        return
    bench.times_ns.append(_to_ns(row["real_time"], unit))
    if _is_number(row.get("iterations")):
        bench.iterations.append(int(row["iterations"]))
    for k, v in row.items():
        if k not in _STANDARD_KEYS and _is_number(v):
            bench.counters.setdefault(k, []).append(float(v))


def load(path: str) -> PerfRun:
    try:
        doc = jsonfile.load(path, "Google Benchmark JSON", allow_nonfinite=True)
    except jsonfile.JsonFileError as e:
        raise PerfInputError(str(e)) from None
    run = parse(doc, source=path)
    if not run.benchmarks:
        raise PerfInputError(f"{path}: lists no benchmark")
    if not any(b.times_ns or b.aggregates for b in run.benchmarks):
        errors = sorted({b.error for b in run.benchmarks if b.error})
        raise PerfInputError(f"{path}: no benchmark has a usable time" + (f" ({errors[0]})" if errors else ""))
    return run


def merge(runs: Iterable[PerfRun]) -> PerfRun:
    """Several perf files as one run; the first file's context wins."""
    runs = list(runs)
    if not runs:
        return PerfRun(context={}, benchmarks=[])
    context: Dict[str, object] = {}
    for r in reversed(runs):
        context.update(r.context)
    found: Dict[str, Benchmark] = {}
    order: List[str] = []
    for r in runs:
        for b in r.benchmarks:
            have = found.get(b.name.key)
            if have is None:
                found[b.name.key] = b
                order.append(b.name.key)
                continue
            have.times_ns.extend(b.times_ns)
            have.iterations.extend(b.iterations)
            for k, v in b.counters.items():
                have.counters.setdefault(k, []).extend(v)
            have.aggregates = have.aggregates or b.aggregates
            have.error = have.error or b.error
    return PerfRun(context=context, benchmarks=[found[k] for k in order],
                   source=", ".join(r.source for r in runs))
