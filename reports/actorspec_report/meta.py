"""The facts in the report's header: what ran, where, built how.

The run script's meta.json knows the most (CPU model, versions it asked the
package manager for) and wins; otherwise the benchmark context's
`actorspec_*` keys and Google Benchmark's own fields are used. Every fact is
optional and shown as "unknown" when absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional

UNKNOWN = "unknown"

# The libraries the header always lists, with the spellings we accept.
LIBRARIES = [
    ("oneTBB", ("oneTBB", "onetbb", "tbb", "TBB")),
    ("Boost", ("Boost", "boost")),
    ("GoogleTest", ("GoogleTest", "googletest", "gtest", "GTest")),
    ("Google Benchmark", ("GoogleBenchmark", "Google Benchmark", "benchmark", "google-benchmark", "gbench")),
]


@dataclass
class Facts:
    date: str = UNKNOWN
    git_commit: str = UNKNOWN
    cpu_model: str = UNKNOWN
    cores: str = UNKNOWN
    host: str = UNKNOWN
    mhz: str = UNKNOWN
    compiler: str = UNKNOWN
    versions: Dict[str, str] = field(default_factory=dict)
    mode: str = UNKNOWN
    build_type: str = UNKNOWN
    workers: str = UNKNOWN
    wall_time: str = UNKNOWN
    beam: str = UNKNOWN          # the reference column: Erlang/OTP release and schedulers, or why it did not run
    # The backend the others are measured against ("vs BEAM"), flagged in
    # the run's data (meta.json "reference_backend", or the perf context's
    # "actorspec_reference_backend"); UNKNOWN when there is none.
    reference: str = UNKNOWN
    # Google Benchmark's library says it was built as DEBUG (Debian's build).
    gbench_debug: bool = False
    backends: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)


def _text(v: object) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _versions(raw: object, warnings: List[str]) -> Dict[str, str]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            warnings.append("actorspec_versions in the benchmark context is not valid JSON")
            return {"(raw)": raw}
    if not isinstance(raw, dict):
        return {}
    return {str(k): str(v) for k, v in raw.items()}


def normalise_versions(found: Dict[str, str]) -> List[tuple]:
    """The four libraries first (unknown if absent), then anything else given."""
    out = []
    used = set()
    for label, spellings in LIBRARIES:
        value = UNKNOWN
        for s in spellings:
            if s in found:
                value = found[s]
                used.add(s)
                break
        out.append((label, value))
    out += [(k, v) for k, v in found.items() if k not in used]
    return out


def _duration(seconds: object) -> Optional[str]:
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return None
    if s < 120:
        return f"{s:.0f} s"
    return f"{int(s // 60)} min {int(s % 60):02d} s"


def gather(context: Dict[str, object], meta: Optional[Dict[str, object]]) -> Facts:
    meta = meta or {}
    f = Facts()

    def pick(*values: object) -> str:
        for v in values:
            t = _text(v)
            if t:
                return t
        return UNKNOWN

    f.date = pick(meta.get("date"), context.get("date"))
    f.git_commit = pick(meta.get("git_commit"), context.get("actorspec_git_commit"))
    f.cpu_model = pick(meta.get("cpu_model"), context.get("actorspec_cpu_model"))
    f.cores = pick(meta.get("cores"), context.get("num_cpus"))
    f.host = pick(meta.get("host"), context.get("host_name"))
    f.mhz = pick(context.get("mhz_per_cpu"))
    f.compiler = pick(meta.get("compiler"), context.get("actorspec_compiler"))
    f.mode = pick(meta.get("mode"), context.get("actorspec_mode"))
    f.build_type = pick(meta.get("build_type"), context.get("actorspec_build_type"))
    f.workers = pick(meta.get("workers"), context.get("actorspec_workers"))
    f.wall_time = pick(_duration(meta.get("wall_time_s")) if "wall_time_s" in meta else None)
    versions = _versions(context.get("actorspec_versions"), f.warnings)
    versions.update(_versions(meta.get("versions"), f.warnings))
    f.versions = versions
    otp = _text(context.get("actorspec_beam_otp_release"))
    beam_perf = None
    if otp:
        beam_perf = (f"Erlang/OTP {otp} (erts {context.get('actorspec_beam_erts_version', UNKNOWN)}); "
                     f"schedulers: {context.get('actorspec_beam_schedulers', UNKNOWN)}")
    f.beam = pick(meta.get("beam"), beam_perf)
    declared = pick(meta.get("backends"), context.get("actorspec_backends"))
    f.backends = [b.strip() for b in declared.split(",") if b.strip()] if declared != UNKNOWN else []

    f.reference = pick(meta.get("reference_backend"), context.get("actorspec_reference_backend"))
    # Not a warning: every benchmark here uses manual timing, so the
    # library's own code runs outside the measured region. The performance
    # section says so once.
    f.gbench_debug = str(context.get("library_build_type", "")).lower() == "debug"
    if f.build_type.lower() == "debug" or f.build_type.lower().endswith("san"):
        f.warnings.append(f"actorspec was built as {f.build_type}: timings are not representative.")
    if context.get("cpu_scaling_enabled") is True:
        f.warnings.append("CPU frequency scaling was enabled: expect extra noise in timings.")
    return f


def load_meta(path: str) -> Dict[str, object]:
    from . import jsonfile
    doc = jsonfile.load(path, "meta.json")
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return doc
