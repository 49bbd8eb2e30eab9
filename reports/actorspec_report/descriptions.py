"""What each benchmark family measures, as the perf suite states it.

The descriptions live next to the benchmarks' code (perf/bench_*.cpp,
`Registrar::describe`) and reach the report through the perf JSON's context
as `actorspec_family:<key>` = a JSON object. The report keeps no copy of its
own: a family without a description is shown with "no description".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

PREFIX = "actorspec_family:"


@dataclass(frozen=True)
class Description:
    key: str                 # name prefix it covers: "ring", "spawn/throughput", "ring/scaling"
    operation: str
    unit: str
    sizes: str
    quantity: str = ""       # "" = time per operation, else a counter (lower is better)
    per_second: str = ""     # chart operations per second ("messages"), higher is better
    tails: Optional[str] = None   # counter prefix of p50_ns/p99_ns/max_ns, None = none
    x_axis: str = ""         # "workers" for a scaling family
    order: Optional[int] = None   # registration order in the perf binary


def _text(doc: Mapping[str, object], key: str) -> str:
    v = doc.get(key)
    return v if isinstance(v, str) else ""


def from_context(context: Mapping[str, object]) -> Dict[str, Description]:
    """Every well-formed description in a perf JSON context, by key; broken
    ones are skipped (the family then shows without one)."""
    out: Dict[str, Description] = {}
    for k, v in context.items():
        if not (isinstance(k, str) and k.startswith(PREFIX) and isinstance(v, str)):
            continue
        try:
            doc = json.loads(v)
        except ValueError:
            continue
        if not isinstance(doc, dict):
            continue
        key = k[len(PREFIX):].strip("/")
        tails = _text(doc, "tails")
        out[key] = Description(key=key, operation=_text(doc, "operation"), unit=_text(doc, "unit"),
                               sizes=_text(doc, "sizes"), quantity=_text(doc, "quantity"),
                               per_second=_text(doc, "per_second"),
                               tails=None if tails == "-" or "tails" not in doc else tails,
                               x_axis=_text(doc, "x_axis"),
                               order=doc["order"] if isinstance(doc.get("order"), int) else None)
    return out


def lookup(descriptions: Mapping[str, Description], case_name: str) -> Optional[Description]:
    """The description with the longest key that prefixes the name in whole
    path elements ("ring" covers "ring/R:10", not "ringer")."""
    parts = case_name.split("/")
    for n in range(len(parts), 0, -1):
        d = descriptions.get("/".join(parts[:n]))
        if d is not None:
            return d
    return None
