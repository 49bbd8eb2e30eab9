"""Human-readable numbers: times, rates, sizes and plain counts.

Shared by the HTML and the text summary so both say the same thing. `ascii`
variants exist because the summary lands in CI logs of unknown encoding.
"""

from __future__ import annotations

import math
from typing import Tuple

# (name, nanoseconds per unit); the first whose range fits is used.
TIME_UNITS = [("ns", 1.0), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)]


def _round_sig(x: float, digits: int = 3) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def time_unit_for(ns: float) -> Tuple[str, float]:
    """The unit in which a time in ns reads as 1..999 (after rounding)."""
    ns = _round_sig(ns)
    chosen = TIME_UNITS[0]
    for unit in TIME_UNITS:
        if abs(ns) >= unit[1]:
            chosen = unit
    return chosen


def sig(x: float, digits: int = 3) -> str:
    """x with `digits` significant digits, without exponent for normal sizes."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    # Round first: 9.9996 must become "10.0", not "10.00".
    x = _round_sig(x, digits)
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    return f"{x:.{decimals}f}"


def fmt_time(ns: float, ascii_only: bool = False) -> str:
    unit, scale = time_unit_for(ns)
    if ascii_only and unit == "µs":
        unit = "us"
    return f"{sig(ns / scale)} {unit}"


def fmt_si(x: float, suffix: str = "") -> str:
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{sig(x / scale)} {prefix}{suffix}".rstrip()
    return f"{sig(x)} {suffix}".rstrip()


def fmt_bytes(x: float) -> str:
    for prefix, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if abs(x) >= scale:
            return f"{sig(x / scale)} {prefix}"
    return f"{sig(x)} B"


def fmt_counter(name: str, value: float, ascii_only: bool = False) -> str:
    """Format a user counter by what its name says it measures."""
    low = name.lower()
    if low.endswith(("_ns", "_nanos")):
        return fmt_time(value, ascii_only)
    if low.endswith("_us"):
        return fmt_time(value * 1e3, ascii_only)
    if low.endswith("_ms"):
        return fmt_time(value * 1e6, ascii_only)
    if "bytes_per_second" in low:
        return fmt_bytes(value) + "/s"
    if "per_s" in low or low.endswith("_rate"):
        return fmt_si(value, "/s")
    if "bytes" in low:
        return fmt_bytes(value)
    return fmt_si(value)


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}×" if r < 100 else f"{r:.0f}×"


def fmt_pct(p: float) -> str:
    return f"{p:+.1f}%"
