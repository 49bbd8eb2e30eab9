"""How a family's numbers are named, formatted and charted.

A family compares one quantity (perf.Family.quantity): the real time per
operation in ns, or a counter its description names, such as
`bytes_per_process` or `lateness_p50_ns`; lower is better for all of them.
A chart may show the time as operations per second instead (the
description's `per_second`), where that is the natural unit: then higher is
better, and the interval's ends swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional

from . import stats, units
from .perf import Family

TIME, BYTES, RATE, COUNT = "time", "bytes", "rate", "count"


def kind_of(quantity: str) -> str:
    low = quantity.lower()
    if not quantity or low.endswith("_ns"):
        return TIME
    if "bytes" in low:
        return BYTES
    return COUNT


def name_of(family: Family) -> str:
    """What the median column holds, in words."""
    if not family.quantity:
        unit = family.description.unit if family.description and family.description.unit else ""
        return f"real time ({unit})" if unit else "real time per operation"
    return family.quantity.replace("_", " ")


def fmt(quantity: str, value: float, ascii_only: bool = False) -> str:
    k = kind_of(quantity)
    if k == TIME:
        return units.fmt_time(value, ascii_only)
    if k == BYTES:
        return units.fmt_bytes(value)
    return units.fmt_si(value)


@dataclass
class Axis:
    """One chart's y axis: how a native value maps onto it."""
    kind: str
    unit: str                      # what the axis numbers are in: "µs", "KiB", "k messages/s"
    title: str
    better: str                    # "lower" or "higher"
    convert: Callable[[float], Optional[float]]
    swaps: bool = False            # converting reverses order (interval ends swap)


def _time_axis(values: List[float], what: str) -> Axis:
    unit, scale = units.time_unit_for(stats.median(values) if values else 1.0)
    return Axis(TIME, unit, f"{what} ({unit})", "lower", lambda v: v / scale)


def axis_for(family: Family, native_values: List[float], chart_kind: str) -> Axis:
    """The axis of a chart of this family; native_values sets the scale."""
    d = family.description
    if chart_kind == "tails":
        return _time_axis(native_values, "latency")
    if not family.quantity and d and d.per_second and chart_kind != "tails":
        rates = [1e9 / v for v in native_values if v > 0]
        mid = stats.median(rates) if rates else 1.0
        prefix, scale = "", 1.0
        for p, s in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
            if mid >= s:
                prefix, scale = p, s
                break
        unit = f"{prefix} {d.per_second}/s".strip()
        return Axis(RATE, unit, unit, "higher",
                    lambda v: (1e9 / v) / scale if v > 0 else None, swaps=True)
    k = kind_of(family.quantity)
    if k == TIME:
        return _time_axis(native_values, name_of(family) if family.quantity else "time per op")
    if k == BYTES:
        mid = stats.median(native_values) if native_values else 1.0
        unit, scale = "B", 1.0
        for u, s in (("MiB", 2 ** 20), ("KiB", 2 ** 10)):
            if mid >= s:
                unit, scale = u, s
                break
        return Axis(BYTES, unit, f"{name_of(family)} ({unit})", "lower", lambda v: v / scale)
    return Axis(COUNT, "", name_of(family), "lower", lambda v: v)
