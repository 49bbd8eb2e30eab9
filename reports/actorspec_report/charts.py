"""Chart descriptions handed to the page's script (plain JSON-able data).

Python decides what is drawn (which points, units, scales, colours); the
inline script only maps this onto Chart.js. That keeps the logic testable here
and the script short.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from . import quantities, stats
from .perf import ChartSpec, Family, Measured

# Okabe-Ito colours: distinguishable with the common colour-vision
# deficiencies. The three known backends get fixed colours and markers so a
# backend looks the same in every chart and every report.
_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#666666"]
_MARKERS = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "cross", "dash"]
# Line dashes tell overlapping sweep lines apart, and do not rely on colour.
_DASHES = [[], [7, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2], [12, 4], [6, 2, 1, 2]]
_FIXED = {"thread": 0, "tbb": 1, "fiber": 2, "beam": 3}


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


# Above this spread of values a linear axis squeezes the small ones flat.
_LOG_RATIO = 30.0
_TAILS = (("p50", "p50_ns"), ("p99", "p99_ns"), ("max", "max_ns"))


def _point(axis: quantities.Axis, x, median: float, ci, reps: Sequence[float], m: Measured, name: str) -> Optional[dict]:
    y = axis.convert(median)
    if y is None:
        return None
    lo, hi = (ci if ci else (median, median))
    lo, hi = axis.convert(lo), axis.convert(hi)
    if axis.swaps:
        lo, hi = hi, lo
    return {"x": x, "y": y, "lo": lo if lo is not None else y, "hi": hi if hi is not None else y,
            "reps": [r for r in (axis.convert(v) for v in reps) if r is not None],
            "n": len(reps), "cv": m.summary.cv if m.summary else 0.0, "name": name}


def _log_wanted(series: List[dict]) -> bool:
    values = [v for s in series for p in s["points"] if p for v in [p["y"], p["lo"], p["hi"]] + p["reps"]]
    positive = [v for v in values if v > 0]
    return bool(positive) and len(positive) == len(values) and max(positive) / min(positive) > _LOG_RATIO


def _num_label(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _short(case) -> str:
    """The case's name without its family's prefix: what tells cases apart."""
    prefix = case.family + "/"
    return case.name[len(prefix):] if case.name.startswith(prefix) else (case.variant or case.family)


def _tails(chart: ChartSpec, family: Family, present: Sequence[str], style: Style) -> dict:
    prefix = family.description.tails if family.description and family.description.tails else ""
    natives = [m.counters[prefix + "p50_ns"] for c in chart.cases for m in c.entries.values()
               if prefix + "p50_ns" in m.counters]
    axis = quantities.axis_for(family, natives, "tails")
    labels = [f"{_short(c)} {t}" if len(chart.cases) > 1 else t for c in chart.cases for t, _ in _TAILS]
    series = []
    for b in present:
        points = []
        for c in chart.cases:
            m = c.entries.get(b)
            for _, key in _TAILS:
                reps = (m.bench.counters.get(prefix + key) or []) if m else []
                if not reps or m.bench.error:
                    points.append(None)
                    continue
                p = _point(axis, len(points), stats.median(reps), (min(reps), max(reps)), reps, m,
                           f"{m.bench.name.key} {prefix}{key}")
                points.append(p)
        series.append({"backend": b, "color": style.color(b), "marker": style.marker(b), "dash": style.dash(b),
                       "points": points})
    return {"id": chart.id, "kind": "dot", "title": chart.title, "labels": labels, "xTitle": "",
            "yTitle": f"{prefix.replace('_', ' ')}latency ({axis.unit}, log scale)", "unit": axis.unit,
            "yLog": True, "better": "lower", "interval": "min to max over repetitions", "series": series}


def describe(chart: ChartSpec, family: Family, backends: Sequence[str], style: Style) -> dict:
    """The JSON the page's script turns into one Chart.js chart."""
    present = [b for b in backends if any(b in c.entries for c in chart.cases)]
    if chart.kind == "tails":
        return _tails(chart, family, present, style)
    natives = [m.summary.median for c in chart.cases for m in c.entries.values() if m.summary]
    axis = quantities.axis_for(family, natives, chart.kind)
    xs = sorted({c.params[chart.sweep_param] for c in chart.cases if chart.sweep_param in c.params}) \
        if chart.sweep_param else []
    series = []
    for b in present:
        points, flat = [], False
        for i, c in enumerate(chart.cases):
            m = c.entries.get(b)
            if not m or not m.summary or m.bench.error:
                if chart.kind == "dot":
                    points.append(None)
                continue
            if chart.kind == "dot":
                x = i
            elif chart.sweep_param in c.params:
                x = c.params[chart.sweep_param]
            else:
                # No workers to vary (the thread backend: one OS thread per
                # process): one measurement, drawn flat across the axis.
                flat = True
                for xv in xs:
                    points.append(_point(axis, xv, m.summary.median, m.median_ci, m.values if xv == xs[0] else [],
                                         m, m.bench.name.key))
                continue
            points.append(_point(axis, x, m.summary.median, m.median_ci, m.values, m, m.bench.name.key))
        label = f"{b} (one OS thread per process)" if flat else b
        series.append({"backend": label, "color": style.color(b), "marker": style.marker(b),
                       "dash": [6, 4] if flat else style.dash(b), "flat": flat, "points": points})

    # A log axis cannot hold 0 (selective_receive's D:0): then the swept
    # values sit at even steps, labelled with their values, and say so.
    x_steps = chart.kind != "dot" and bool(xs) and xs[0] <= 0
    if x_steps:
        for s in series:
            for p in s["points"]:
                if p:
                    p["x"] = xs.index(p["x"])
    if chart.kind == "dot":
        y_log = _log_wanted(series)
        x_title = ""
    else:
        y_log = chart.kind == "sweep" and _log_wanted(series)
        x_title = (f"{chart.sweep_param} ({'even steps, not to scale' if x_steps else 'log scale'})"
                   if chart.kind == "sweep" else f"{chart.sweep_param} (worker threads of the runtime)")
    return {
        "id": chart.id,
        "kind": chart.kind,
        "title": chart.title,
        "labels": [_short(c) for c in chart.cases],
        "xTitle": x_title,
        "yTitle": f"{axis.title}{', log' if y_log else ''}, {axis.better} is better",
        "unit": axis.unit,
        "yLog": y_log,
        "xSteps": [_num_label(x) for x in xs] if x_steps else None,
        "better": axis.better,
        "interval": "median and its bootstrap 95% interval",
        "series": series,
    }
