"""Whether a baseline can be compared with a run at all.

Two runs compare only when they measured the same thing the same way: the
same mode (quick and full run different sizes under the same names), the
same build type, the same machine (CPU model, cores) and the same backends
with the same worker counts; and, row by row, the same sizes (iterations per
repetition and the label, which names the parameters). A fact either side
does not record is shown as unknown and not held against the comparison.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from .gbench import Benchmark

UNKNOWN = "unknown"

# (label, keys in a Google Benchmark context that may hold it)
RUN_FACTS: List[Tuple[str, Tuple[str, ...]]] = [
    ("mode", ("actorspec_mode",)),
    ("build type", ("actorspec_build_type",)),
    ("CPU model", ("actorspec_cpu_model",)),
    ("cores", ("actorspec_cores", "num_cpus")),
    ("backends", ("actorspec_backends",)),
    ("workers", ("actorspec_workers",)),
]


def _norm(label: str, value: str) -> str:
    if label == "build type":
        return value.lower()
    if label == "backends":
        return ",".join(sorted(x.strip() for x in value.split(",") if x.strip()))
    return value.strip()


def _workers(value: str) -> Dict[str, str]:
    out = {}
    for item in value.split(","):
        if "=" in item:
            k, v = item.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def facts(context: Dict[str, object]) -> Dict[str, str]:
    out = {}
    for label, keys in RUN_FACTS:
        value = UNKNOWN
        for k in keys:
            v = context.get(k)
            if v is not None and str(v).strip():
                value = str(v).strip()
                break
        out[label] = value
    return out


def run_mismatches(baseline_context: Dict[str, object], current_context: Dict[str, object]) -> List[str]:
    """What differs between the two runs, one sentence per fact."""
    old, new = facts(baseline_context), facts(current_context)
    out = []
    for label, _ in RUN_FACTS:
        a, b = old[label], new[label]
        if a == UNKNOWN or b == UNKNOWN:
            continue
        if label == "workers":
            # Only backends both runs measured: a backend missing on one side
            # is the "backends" fact's business (or a crash, reported as such).
            wa, wb = _workers(a), _workers(b)
            differ = [f"{k} {wa[k]} vs {wb[k]}" for k in sorted(set(wa) & set(wb)) if wa[k] != wb[k]]
            if differ:
                out.append(f"worker threads per backend (baseline vs this run): {', '.join(differ)}")
        elif _norm(label, a) != _norm(label, b):
            out.append(f"{label}: baseline {a}, this run {b}")
    return out


def row_mismatches(old: Benchmark, new: Benchmark) -> List[str]:
    """What makes one benchmark's two measurements different experiments."""
    out = []
    oi, ni = sorted(set(old.iterations)), sorted(set(new.iterations))
    # Our benchmarks fix their iterations (one batch of the size's operations
    # per repetition), so a different count is a different size. Google
    # Benchmark's automatic counts vary from repetition to repetition and
    # say nothing about size: only single fixed counts are compared.
    if len(oi) == 1 and len(ni) == 1 and oi != ni:
        out.append(f"iterations per repetition: baseline {','.join(map(str, oi))}, this run {','.join(map(str, ni))}")
    if old.label and new.label and old.label != new.label:
        out.append(f"label: baseline '{old.label}', this run '{new.label}'")
    return out
