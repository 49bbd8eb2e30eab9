"""Chart descriptions handed to the page's script (plain JSON-able data).

Python decides what is drawn (which points, units, scales, colours); the
inline script only maps this onto Chart.js. That keeps the logic testable here
and the script short.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

from . import stats, units
from .perf import ChartSpec

# Okabe-Ito colours: distinguishable with the common colour-vision
# deficiencies. The three known backends get fixed colours and markers so a
# backend looks the same in every chart and every report.
_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#666666"]
_MARKERS = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "cross", "dash"]
# Line dashes tell overlapping sweep lines apart, and do not rely on colour.
_DASHES = [[], [7, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2], [12, 4], [6, 2, 1, 2]]
_FIXED = {"thread": 0, "tbb": 1, "fiber": 2, "beam": 3}

# Above this spread of medians a linear bar chart hides the fast backends.
_LOG_BAR_RATIO = 30.0


class Style:
    def __init__(self, backends: Sequence[str]):
        self._index: Dict[str, int] = {}
        free = [i for i in range(len(_PALETTE)) if i not in _FIXED.values()]
        for b in backends:
            if b in _FIXED:
                self._index[b] = _FIXED[b]
        for b in backends:
            if b not in self._index:
                self._index[b] = free.pop(0) if free else len(self._index) % len(_PALETTE)

    def color(self, backend: str) -> str:
        return _PALETTE[self._index.get(backend, len(_PALETTE) - 1) % len(_PALETTE)]

    def marker(self, backend: str) -> str:
        return _MARKERS[self._index.get(backend, 0) % len(_MARKERS)]

    def dash(self, backend: str) -> list:
        return _DASHES[self._index.get(backend, 0) % len(_DASHES)]


def _unit_for(medians: List[float]):
    if not medians:
        return "ns", 1.0
    return units.time_unit_for(stats.median(medians))


def describe(chart: ChartSpec, backends: Sequence[str], style: Style) -> dict:
    """The JSON the page's script turns into one Chart.js chart."""
    present = [b for b in backends if any(b in c.entries for c in chart.cases)]
    medians = [m.summary.median for c in chart.cases for m in c.entries.values() if m.summary]
    unit, scale = _unit_for(medians)
    series = []
    for b in present:
        points = []
        for c in chart.cases:
            m = c.entries.get(b)
            if not m or not m.summary:
                points.append(None)
                continue
            s = m.summary
            points.append({
                "x": c.params.get(chart.sweep_param) if chart.sweep_param else None,
                "y": s.median / scale,
                "min": s.minimum / scale,
                "max": s.maximum / scale,
                "reps": [t / scale for t in m.bench.times_ns],
                "n": s.n,
                "cv": s.cv,
                "name": m.bench.name.key,
            })
        series.append({"backend": b, "color": style.color(b), "marker": style.marker(b), "dash": style.dash(b),
                       "points": points})

    positive = [v for v in medians if v > 0]
    if chart.kind == "sweep":
        y_log = True
    else:
        y_log = bool(positive) and max(positive) / min(positive) > _LOG_BAR_RATIO
    y_title = f"real time per iteration ({unit}{', log scale' if y_log else ''})"
    return {
        "id": chart.id,
        "kind": chart.kind,
        "title": chart.title,
        "labels": [c.variant or c.family for c in chart.cases],
        "xTitle": f"{chart.sweep_param} (log scale)" if chart.kind == "sweep" else "",
        "yTitle": y_title,
        "unit": unit,
        "yLog": y_log,
        "series": series,
    }
