"""Loading every input and analysing it into one Report.

A broken or missing input does not stop the report: a crashed test binary
leaves no JSON, and the report is most useful exactly then. Each problem is
recorded and shown at the top of the page (and on stderr).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from . import compare, gbench, gtest, matrix, meta, perf, reference
from . import spec as spec_mod


@dataclass
class Inputs:
    perf: Sequence[str] = ()
    conformance: Sequence[str] = ()
    spec: Optional[str] = None
    baseline: Sequence[str] = ()
    meta: Optional[str] = None


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
    baseline_run = _load_perf(inputs.baseline, "baseline", problems) if inputs.baseline else None

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

    # Tests without a rule ID are plain unit tests, often not parameterised by
    # backend: their "backend" is no backend and must not become a column.
    rule_tests = [t for t in results if t.rule_id is not None]
    backends = matrix.order_backends(facts.backends, ["thread", "tbb", "fiber"] if not facts.backends else [],
                                     [t.backend for t in rule_tests], perf_run.backends())
    # Backends named nowhere in the data (the default trio when nothing says
    # otherwise) would only add empty columns.
    seen = set(t.backend for t in rule_tests) | set(perf_run.backends()) | set(facts.backends)
    backends = [b for b in backends if b in seen]

    conf = matrix.build(spec, results, backends)
    families = perf.analyse(perf_run, backends)
    changes = compare.compare(baseline_run, perf_run) if baseline_run is not None else None
    return Report(facts=facts, backends=backends, spec=spec, spec_loaded=spec_loaded, matrix=conf,
                  perf_run=perf_run, families=families, changes=changes,
                  baseline_label=", ".join(inputs.baseline), problems=problems,
                  vs_reference=reference.against(families))
