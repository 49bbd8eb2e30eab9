"""The conformance matrix: every spec rule against every backend.

A rule passes on a backend when every test of it that ran there passed, fails
when any failed, and is "not run" when none ran (no test, disabled, skipped,
or the backend's test binary produced no results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from .gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS, TestResult

STATUSES = (PASS, FAIL, NOT_RUN, DEVIATION, NOT_APPLICABLE)
from .spec import Spec


@dataclass
class Cell:
    status: str
    tests: List[TestResult] = field(default_factory=list)
    # Set when the backend's suite crashed, hung or wrote nothing: the cell
    # is a failure with this reason, never "not run".
    error: str = ""

    @property
    def failures(self) -> List[TestResult]:
        return [t for t in self.tests if t.outcome == FAIL]

    def note(self) -> str:
        """Why a cell is what it is, in a few words (for titles and text)."""
        if self.error:
            return self.error
        ran = [t for t in self.tests if t.outcome != NOT_RUN]
        idle = [t for t in self.tests if t.outcome == NOT_RUN]
        if not self.tests:
            return "no test for this rule on this backend"
        if self.status == DEVIATION:
            return (f"deviation: the spec departs from this backend's behaviour here (see the rule); "
                    f"{len(ran)} test{'s' if len(ran) != 1 else ''} of its own behaviour passed")
        if self.status == NOT_APPLICABLE:
            return "; ".join(sorted({m for t in idle for m in t.messages})) or "n/a: no counterpart on this backend"
        bits = []
        if self.status == FAIL:
            bits.append(f"{len(self.failures)} of {len(ran)} tests failed")
        elif ran:
            bits.append(f"{len(ran)} test{'s' if len(ran) != 1 else ''} passed")
        if idle:
            reasons = sorted({t.why_not_run or "not run" for t in idle})
            bits.append(f"{len(idle)} {'/'.join(reasons)}")
        return "; ".join(bits)


@dataclass
class Row:
    rule_id: str
    title: str
    area: str
    in_spec: bool
    cells: Dict[str, Cell]


@dataclass
class Matrix:
    backends: List[str]
    rows: List[Row]
    unmapped: List[TestResult]   # tests without a rule ID
    crashed: Dict[str, str] = field(default_factory=dict)   # backend -> why no results

    def totals(self) -> Dict[str, Dict[str, int]]:
        out = {b: {s: 0 for s in STATUSES} for b in self.backends}
        for row in self.rows:
            for b in self.backends:
                out[b][row.cells[b].status] += 1
        return out

    def nothing_ran_because(self, backend: str) -> str:
        """The one reason a column has no result at all (e.g. "not run: --no-beam
        was given"), shown instead of "0 pass"; "" when anything ran."""
        if not self.rows or any(r.cells[backend].status != NOT_RUN for r in self.rows):
            return ""
        reasons = {msg for r in self.rows for t in r.cells[backend].tests for msg in t.messages}
        return reasons.pop() if len(reasons) == 1 else ""

    def failing_rules(self) -> List[Row]:
        return [r for r in self.rows if any(c.status == FAIL for c in r.cells.values())]


def _cell(tests: List[TestResult]) -> Cell:
    if any(t.outcome == FAIL for t in tests):
        return Cell(FAIL, tests)
    passed = [t for t in tests if t.outcome == PASS]
    if passed:
        # A reference backend's tests of a deviating rule check its own
        # behaviour: passing them is "deviation", not "pass".
        if all(t.classification == DEVIATION for t in passed):
            return Cell(DEVIATION, tests)
        return Cell(PASS, tests)
    if tests and all(t.classification == NOT_APPLICABLE for t in tests):
        return Cell(NOT_APPLICABLE, tests)
    return Cell(NOT_RUN, tests)


def order_backends(*sources: Sequence[str]) -> List[str]:
    """Backends in first-seen order across sources, without duplicates."""
    out: List[str] = []
    for src in sources:
        for b in src:
            b = b.strip()
            if b and b not in out:
                out.append(b)
    return out


def build(spec: Spec, results: Sequence[TestResult], backends: Sequence[str],
          crashed: Optional[Dict[str, str]] = None) -> Matrix:
    """crashed: backend -> why its suite produced no results (see Cell.error)."""
    crashed = crashed or {}
    backends = order_backends(backends, [t.backend for t in results if t.rule_id is not None], list(crashed))
    grouped: Dict[str, Dict[str, List[TestResult]]] = {}
    unmapped: List[TestResult] = []
    for t in results:
        if t.rule_id is None:
            unmapped.append(t)
            continue
        grouped.setdefault(t.rule_id, {}).setdefault(t.backend, []).append(t)

    def cell(per_backend: Dict[str, List[TestResult]], b: str) -> Cell:
        c = _cell(per_backend.get(b, []))
        if b in crashed and c.status == NOT_RUN:
            return Cell(FAIL, c.tests, error=f"the {b} conformance suite {crashed[b]}")
        return c

    rows: List[Row] = []
    for rule in spec.rules:
        per_backend = grouped.get(rule.id, {})
        rows.append(Row(rule.id, rule.title, rule.area, True, {b: cell(per_backend, b) for b in backends}))
    # Tests that cite a rule the spec lacks are shown, not dropped: either the
    # test or the spec is wrong, and the reader should see which.
    known = {r.id for r in spec.rules}
    for rule_id in grouped:
        if rule_id not in known:
            per_backend = grouped[rule_id]
            rows.append(Row(rule_id, "", "Not in the spec", False, {b: cell(per_backend, b) for b in backends}))
    return Matrix(backends=backends, rows=rows, unmapped=unmapped, crashed=dict(crashed))
