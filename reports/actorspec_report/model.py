"""Loading every input and analysing it into one Report.

A broken or missing input does not stop the report: a crashed test binary
leaves no JSON, and the report is most useful exactly then. Each problem is
recorded and shown at the top of the page (and on stderr).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from . import comparable, compare, descriptions, gbench, gtest, matrix, meta, perf, reference, targets
from . import spec as spec_mod


@dataclass
class Inputs:
    perf: Sequence[str] = ()
    conformance: Sequence[str] = ()
    spec: Optional[str] = None
    baseline: Sequence[str] = ()
    meta: Optional[str] = None
    min_change: float = compare.DEFAULT_MIN_CHANGE
    force_compare: bool = False
    targets: Optional[str] = None       # perf/targets.tsv


@dataclass
class Report:
    facts: meta.Facts
    backends: List[str]
    spec: spec_mod.Spec
    spec_loaded: bool
    matrix: matrix.Matrix
    perf_run: gbench.PerfRun
    families: List[perf.Family]
    changes: Optional[List[compare.Change]]
    baseline_label: str
    problems: List[str] = field(default_factory=list)
    # Every other backend against the BEAM, per benchmark (empty without beam rows).
    vs_reference: List[reference.VsReference] = field(default_factory=list)
    # Result sources of this run that crashed, hung or wrote nothing (from
    # meta.json's "suites"), as dicts with kind, backend, name, status, detail.
    broken: List[Dict[str, object]] = field(default_factory=list)
    # The baseline: could it be read, its facts beside the run's, what differs.
    baseline_error: Optional[str] = None
    baseline_facts: Dict[str, str] = field(default_factory=dict)
    run_facts: Dict[str, str] = field(default_factory=dict)
    mismatches: List[str] = field(default_factory=list)
    refused: bool = False
    min_change: float = compare.DEFAULT_MIN_CHANGE
    # The perf suite's targets judged on this run (empty without --targets).
    targets: List[targets.Judged] = field(default_factory=list)

    @property
    def reference(self) -> Optional[str]:
        """The backend flagged as the reference in the run's data, when it is one of the columns."""
        r = self.facts.reference
        return r if r in self.backends else None

    @property
    def broken_conformance(self) -> Dict[str, str]:
        return {str(b["backend"]): f"{b['status']}: {b['detail']}" for b in self.broken if b.get("kind") == "conformance"}

    @property
    def broken_perf(self) -> List[Dict[str, object]]:
        return [b for b in self.broken if b.get("kind") == "perf"]


def _load_perf(paths: Sequence[str], what: str, problems: List[str]) -> Optional[gbench.PerfRun]:
    runs = []
    for p in paths:
        try:
            runs.append(gbench.load(p))
        except gbench.PerfInputError as e:
            problems.append(f"{what}: {e}")
    return gbench.merge(runs) if runs else None


def build(inputs: Inputs) -> Report:
    problems: List[str] = []

    perf_run = _load_perf(inputs.perf, "benchmark results", problems) or gbench.PerfRun({}, [])
    baseline_run, baseline_error = None, None
    if inputs.baseline:
        baseline_problems: List[str] = []
        baseline_run = _load_perf(inputs.baseline, "baseline", baseline_problems)
        problems += baseline_problems
        if baseline_problems:
            # Half a baseline would compare some rows and silently drop others.
            baseline_run, baseline_error = None, "; ".join(baseline_problems)

    results: List[gtest.TestResult] = []
    for p in inputs.conformance:
        try:
            results.extend(gtest.load(p))
        except gtest.ConformanceInputError as e:
            problems.append(f"conformance results: {e}")

    spec = spec_mod.Spec()
    spec_loaded = False
    if inputs.spec:
        try:
            spec = spec_mod.load(inputs.spec)
            spec_loaded = True
            if not spec.rules:
                problems.append(f"spec: {inputs.spec} has no rule headings like '### LNK-5 — Title'")
            if spec.duplicates:
                problems.append("spec: duplicate rule IDs (first kept): " + ", ".join(sorted(set(spec.duplicates))))
        except (OSError, UnicodeDecodeError) as e:
            problems.append(f"spec: cannot read {inputs.spec} ({e})")

    meta_doc = None
    if inputs.meta:
        try:
            meta_doc = meta.load_meta(inputs.meta)
        except (OSError, ValueError) as e:
            problems.append(f"meta: cannot use {inputs.meta} ({e})")
    facts = meta.gather(perf_run.context, meta_doc)
    broken = [b for b in (meta_doc or {}).get("suites", []) or []
              if isinstance(b, dict) and b.get("status") in ("crashed", "timed out", "no results")]
    for b in broken:
        problems.append(f"{b.get('kind')} on {b.get('backend')} ({b.get('name')}) {b.get('status')}: {b.get('detail')}")

    # Tests without a rule ID are plain unit tests, often not parameterised by
    # backend: their "backend" is no backend and must not become a column.
    rule_tests = [t for t in results if t.rule_id is not None]
    backends = matrix.order_backends(facts.backends, ["thread", "tbb", "fiber"] if not facts.backends else [],
                                     [t.backend for t in rule_tests], perf_run.backends())
    # Backends named nowhere in the data (the default trio when nothing says
    # otherwise) would only add empty columns.
    crashed = {str(b.get("backend")): f"{b.get('status')}: {b.get('detail')}" for b in broken
               if b.get("kind") == "conformance"}
    backends = matrix.order_backends(backends, list(crashed))
    seen = set(t.backend for t in rule_tests) | set(perf_run.backends()) | set(facts.backends) | set(crashed)
    backends = [b for b in backends if b in seen]

    conf = matrix.build(spec, results, backends, crashed=crashed)
    families = perf.analyse(perf_run, backends, descriptions.from_context(perf_run.context))
    # The first screen says why so many verdicts are unknown (a warning, like
    # a Debug build: the run is what it is, --strict does not fail on it).
    rows = [m for fam in families for case in fam.cases for m in case.entries.values() if m.summary]
    loaded = [m for m in rows if m.load.loaded]
    if loaded:
        facts.warnings.append(f"{len(loaded)} of {len(rows)} benchmark rows ran on a loaded machine (median "
                              f"repetition started with more runnable tasks than the {loaded[0].load.cpus} CPUs): "
                              "their verdicts (fastest, vs BEAM, targets, baseline) are unknown; "
                              "CPU per op beside each median shows the work itself.")

    report = Report(facts=facts, backends=backends, spec=spec, spec_loaded=spec_loaded, matrix=conf,
                    perf_run=perf_run, families=families, changes=None,
                    baseline_label=", ".join(inputs.baseline), problems=problems, broken=broken,
                    baseline_error=baseline_error, min_change=inputs.min_change,
                    # The one "vs BEAM" computation: the report's sections, the
                    # first screen's cards and comparison.json all read it.
                    vs_reference=reference.against(
                        families, facts.reference if facts.reference in backends else reference.REFERENCE))
    if inputs.targets:
        try:
            report.targets = targets.judge(targets.load(inputs.targets), families, backends)
        except targets.TargetsError as e:
            problems.append(f"targets: {e}")
    if baseline_run is not None:
        current_context = _current_context(perf_run.context, facts)
        report.run_facts = comparable.facts(current_context)
        report.baseline_facts = comparable.facts(baseline_run.context)
        report.mismatches = comparable.run_mismatches(baseline_run.context, current_context)
        changes = compare.compare(baseline_run, perf_run, min_change=inputs.min_change,
                                  force=inputs.force_compare)
        if report.mismatches and not inputs.force_compare:
            report.refused = True
            changes = None
        elif any(c.verdict == compare.NOT_COMPARABLE for c in changes):
            report.refused = True
        if inputs.force_compare and report.mismatches and changes is not None:
            for c in changes:
                c.warnings = list(report.mismatches) + c.warnings
        report.changes = changes
    return report


def _current_context(context: Dict[str, object], facts: meta.Facts) -> Dict[str, object]:
    """The run's context, completed from meta.json where the perf file is silent."""
    out = dict(context)
    for key, value in (("actorspec_cpu_model", facts.cpu_model), ("actorspec_cores", facts.cores),
                       ("actorspec_mode", facts.mode), ("actorspec_build_type", facts.build_type)):
        if not out.get(key) and value != meta.UNKNOWN:
            out[key] = value
    return out
