"""The perf suite's targets (perf/targets.tsv), judged on this run.

A target bounds one benchmark case: its median (`median <= X`, on the
family's quantity: ns per operation, or bytes for memory) or the spread of
its repetitions (`spread <= F`: every repetition within F of the median).
Each backend gets a verdict:
  met      the median's bootstrap 95% interval lies at or below X
           (a spread: every repetition within F of the median)
  missed   the interval lies above X (a spread: some repetition is not)
  unknown  the interval holds X, or the benchmark erred, did not run, or
           ran fewer than stats.MIN_REPETITIONS repetitions, or its
           repetitions ran on a loaded machine (load.py: the median
           repetition started with more runnable tasks than CPUs), whose
           wall clock measures the load, not the code. A case without the
           load counters (an older binary) is judged as before.
and the target one verdict from its `who`: `best` is met when some
backend meets it and missed when every backend misses it; `all` or a list
of backends is met when each meets it and missed when one misses it;
anything else is unknown. No verdict is ever a guess.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from . import stats
from .load import Load
from .perf import Family, Measured

MET, MISSED, UNKNOWN = "met", "missed", "unknown"
_BOUND = re.compile(r"^\s*(median|spread)\s*<=\s*([0-9]+(?:\.[0-9]+)?)\s*$")


class TargetsError(Exception):
    """The targets file cannot be read: a visible problem, never an empty table."""


@dataclass
class Target:
    case: str           # a pattern over case names
    who: str            # "best", "all" or "a,b"
    kind: str           # "median" or "spread"
    bound: float
    why: str


@dataclass
class BackendVerdict:
    backend: str
    verdict: str
    median: Optional[float] = None
    ci: Optional[Tuple[float, float]] = None
    spread: Optional[float] = None          # largest |repetition / median - 1|
    why: str = ""
    load: Optional[Load] = None             # of the repetitions judged (None: not judged)


@dataclass
class Judged:
    target: Target
    case: Optional[str]                     # the case that matched, None when none did
    verdict: str
    backends: List[BackendVerdict] = field(default_factory=list)
    why: str = ""
    # Medians of the reference runtimes measured in the same run (the BEAM, CAF).
    references: Dict[str, float] = field(default_factory=dict)
    quantity: str = ""                      # the family's: "" = ns per operation


def parse(text: str, source: str = "targets") -> List[Target]:
    out: List[Target] = []
    header_seen = False
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            if cols[:3] == ["case", "who", "bound"]:
                continue
        if len(cols) != 4:
            raise TargetsError(f"{source}:{n}: expected 4 tab-separated columns (case, who, bound, why), got {len(cols)}")
        m = _BOUND.match(cols[2])
        if not m:
            raise TargetsError(f"{source}:{n}: bound {cols[2]!r} is not 'median <= X' or 'spread <= F'")
        out.append(Target(cols[0].strip(), cols[1].strip(), m.group(1), float(m.group(2)), cols[3].strip()))
    return out


def load(path: str) -> List[Target]:
    try:
        with open(path, encoding="utf-8") as f:
            return parse(f.read(), path)
    except OSError as e:
        raise TargetsError(f"cannot read the targets file {path}: {e.strerror}") from e


def _judge_backend(t: Target, m: Optional[Measured], backend: str) -> BackendVerdict:
    if m is None:
        return BackendVerdict(backend, UNKNOWN, why="not run")
    if m.bench.error:
        return BackendVerdict(backend, UNKNOWN, why=f"error: {m.bench.error}")
    if not m.summary or len(m.values) < stats.MIN_REPETITIONS:
        return BackendVerdict(backend, UNKNOWN, why=f"{len(m.values)} repetitions (at least "
                              f"{stats.MIN_REPETITIONS} needed)")
    med = m.summary.median
    v = BackendVerdict(backend, UNKNOWN, median=med, ci=m.median_ci, load=m.load)
    if m.load.loaded:
        v.why = m.load.why
        if t.kind == "spread" and med > 0:
            v.spread = max(abs(x / med - 1.0) for x in m.values)
        return v
    if t.kind == "spread":
        if med <= 0:
            v.why = "median is 0"
            return v
        v.spread = max(abs(x / med - 1.0) for x in m.values)
        v.verdict = MET if v.spread <= t.bound else MISSED
        return v
    if m.median_ci is None:
        v.why = "no interval"
        return v
    lo, hi = m.median_ci
    if hi <= t.bound:
        v.verdict = MET
    elif lo > t.bound:
        v.verdict = MISSED
    else:
        v.why = f"the 95% interval {lo:.6g}–{hi:.6g} holds the bound"
    return v


def _combine(who: str, verdicts: Sequence[BackendVerdict]) -> str:
    got = [v.verdict for v in verdicts]
    if not got:
        return UNKNOWN
    if who == "best":
        return MET if MET in got else MISSED if all(g == MISSED for g in got) else UNKNOWN
    return MISSED if MISSED in got else MET if all(g == MET for g in got) else UNKNOWN


def judge(targets: Sequence[Target], families: Sequence[Family], backends: Sequence[str],
          references: Sequence[str] = ("beam", "caf")) -> List[Judged]:
    """One Judged per target, against the backends of this run that are not references."""
    cases = [(fam, c) for fam in families for c in fam.cases]
    judged: List[Judged] = []
    own = [b for b in backends if b not in references]
    for t in targets:
        hits = [(f, c) for f, c in cases if fnmatch.fnmatchcase(c.name, t.case)]
        if not hits:
            judged.append(Judged(t, None, UNKNOWN, why="no benchmark of this run matches the case"))
            continue
        # Several sizes can match a pattern only when a run mixes them; take the largest.
        fam, case = max(hits, key=lambda fc: sorted(fc[1].params.values()))
        # "best" and "all" are over the backends that have this benchmark (the
        # thread backend has no one-worker ping-pong); a named backend that
        # did not run it is unknown.
        who = ([b for b in own if b in case.entries] if t.who in ("best", "all")
               else [b.strip() for b in t.who.split(",")])
        verdicts = [_judge_backend(t, case.entries.get(b), b) for b in who]
        j = Judged(t, case.name, _combine(t.who, verdicts), verdicts, quantity=fam.quantity)
        for r in references:
            m = case.entries.get(r)
            if m and m.summary and not m.bench.error:
                j.references[r] = m.summary.median
        judged.append(j)
    return judged
