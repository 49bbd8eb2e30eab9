"""Descriptive statistics and the Mann-Whitney U test, standard library only.

The U test mirrors what Google Benchmark's tools/compare.py gets from
scipy.stats.mannwhitneyu(x, y, alternative='two-sided') with scipy's default
method='auto' (scipy 1.7 to 1.10, the one Debian 12 ships): the exact null
distribution when either sample has at most 8 values and there are no ties,
otherwise the normal approximation with tie correction and a 0.5 continuity
correction. Matching it means a p-value here agrees with the one a developer
gets from compare.py on the same two JSON files.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

# compare.py's significance level.
ALPHA = 0.05
# Below this many repetitions on either side the test has no power at all
# (with 2 vs 2 the smallest possible two-sided exact p is 0.33).
MIN_REPETITIONS = 3
# compare.py warns below this many; we say "low power" likewise.
OPTIMAL_REPETITIONS = 9
# scipy switches to the normal approximation only when both samples are
# larger than this (scipy.stats._mannwhitneyu._mwu_choose_method).
_EXACT_MAX_N = 8


def median(xs: Sequence[float]) -> float:
    if not xs:
        raise ValueError("median of an empty sample")
    s = sorted(xs)
    n = len(s)
    mid = n // 2
    if n % 2:
        return float(s[mid])
    return (s[mid - 1] + s[mid]) / 2.0


def mean(xs: Sequence[float]) -> float:
    if not xs:
        raise ValueError("mean of an empty sample")
    return math.fsum(xs) / len(xs)


def stddev(xs: Sequence[float]) -> float:
    """Sample standard deviation (n-1), as Google Benchmark's stddev aggregate."""
    n = len(xs)
    if n < 2:
        return 0.0
    m = mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (n - 1))


def cv(xs: Sequence[float]) -> float:
    """Coefficient of variation as a fraction (Google Benchmark's cv aggregate)."""
    if len(xs) < 2:
        return 0.0
    m = mean(xs)
    if m == 0:
        return 0.0
    return stddev(xs) / m


def percent_change(old: float, new: float) -> float:
    """Change from old to new in percent; compare.py's rule for a zero base."""
    if old == 0 and new == 0:
        return 0.0
    if old == 0:
        return 100.0 * (new - old) / ((old + new) / 2.0)
    return 100.0 * (new - old) / abs(old)


def rank_with_ties(values: Sequence[float]) -> Tuple[List[float], List[int]]:
    """Mid-ranks (1-based) of values and the sizes of the tie groups."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties: List[int] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mid_rank = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            ranks[order[k]] = mid_rank
        ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


@dataclass(frozen=True)
class MannWhitneyResult:
    u1: float        # U statistic of the first sample (scipy's `statistic`)
    pvalue: float    # two-sided
    method: str      # "exact" or "asymptotic"
    z: float | None  # the normal deviate, for the asymptotic method


@functools.lru_cache(maxsize=64)
def _exact_u_counts(n1: int, n2: int) -> List[int]:
    """Number of orderings giving each U in 0..n1*n2 under the null.

    Classic recurrence on the largest pooled value: it belongs to sample 1
    (adding n2 to U) or to sample 2 (adding nothing).
    """
    # table[(a, b)] is a list indexed by U; built bottom-up to avoid recursion.
    table: Dict[Tuple[int, int], List[int]] = {}
    for a in range(n1 + 1):
        for b in range(n2 + 1):
            if a == 0 or b == 0:
                table[(a, b)] = [1]
                continue
            counts = [0] * (a * b + 1)
            for u, c in enumerate(table[(a - 1, b)]):
                counts[u + b] += c
            for u, c in enumerate(table[(a, b - 1)]):
                counts[u] += c
            table[(a, b)] = counts
    return table[(n1, n2)]


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def mann_whitney_u(x: Sequence[float], y: Sequence[float], method: str = "auto") -> MannWhitneyResult:
    """Two-sided Mann-Whitney U test of x against y (see module docstring).

    method is "auto" (scipy's choice), "exact" or "asymptotic"; exact is
    only valid without ties and is refused with them.
    """
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        raise ValueError("Mann-Whitney U needs two non-empty samples")
    if method not in ("auto", "exact", "asymptotic"):
        raise ValueError(f"unknown method {method!r}")
    ranks, ties = rank_with_ties(list(x) + list(y))
    r1 = math.fsum(ranks[:n1])
    u1 = r1 - n1 * (n1 + 1) / 2.0
    u2 = n1 * n2 - u1
    u_big = max(u1, u2)
    has_ties = any(t > 1 for t in ties)

    if method == "exact" and has_ties:
        raise ValueError("the exact Mann-Whitney distribution assumes no ties")
    if method == "auto":
        method = "exact" if (n1 <= _EXACT_MAX_N or n2 <= _EXACT_MAX_N) and not has_ties else "asymptotic"
    if method == "exact":
        counts = _exact_u_counts(n1, n2)
        total = math.comb(n1 + n2, n1)
        # Without ties U is an integer; P(U >= u_big), doubled, as scipy does.
        tail = sum(counts[int(round(u_big)):])
        p = min(1.0, 2.0 * tail / total)
        return MannWhitneyResult(u1=u1, pvalue=p, method="exact", z=None)

    n = n1 + n2
    tie_term = sum(t ** 3 - t for t in ties)
    var = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))
    if var <= 0:
        # Every value identical: no evidence of any difference.
        return MannWhitneyResult(u1=u1, pvalue=1.0, method="asymptotic", z=0.0)
    z = (u_big - n1 * n2 / 2.0 - 0.5) / math.sqrt(var)
    p = min(1.0, max(0.0, 2.0 * _normal_sf(z)))
    return MannWhitneyResult(u1=u1, pvalue=p, method="asymptotic", z=z)


@dataclass(frozen=True)
class Summary:
    """What the report shows about one benchmark's repetitions."""
    n: int
    median: float
    mean: float
    minimum: float
    maximum: float
    cv: float  # fraction


def summarize(xs: Sequence[float]) -> Summary:
    return Summary(n=len(xs), median=median(xs), mean=mean(xs),
                   minimum=min(xs), maximum=max(xs), cv=cv(xs))


# ------------------------------------------------------------ multiple tests

def holm(pvalues: Sequence[float]) -> List[float]:
    """Holm-Bonferroni adjusted p-values, in the input's order.

    Why Holm and not Benjamini-Hochberg: the regression gate fails a whole CI
    run if any one benchmark is flagged, so the error that matters is "at
    least one false alarm per run" (the family-wise error rate). Holm bounds
    exactly that, at alpha, whatever the dependence between benchmarks (they
    share one machine, so they are not independent); BH bounds the expected
    share of false discoveries among those flagged, which lets a run with
    many flags carry some false ones, and needs independence or positive
    dependence to hold.
    """
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


# The gate uses the exact null distribution up to this many repetitions a
# side when there are no ties (scipy >= 1.11 does much the same): the normal
# approximation scipy 1.10 uses above 8 overstates the smallest p of 9 vs 9
# tenfold (4.1e-4 against the exact 4.1e-5), enough to make a corrected gate
# blind. Building the table is O((n1*n2)^2) once per size pair.
GATE_EXACT_MAX_N = 40


def gate_u_test(x: Sequence[float], y: Sequence[float]) -> MannWhitneyResult:
    """The U test as the regression gate and the "fastest" badge use it."""
    exact = max(len(x), len(y)) <= GATE_EXACT_MAX_N and len(set(x) | set(y)) == len(x) + len(y)
    return mann_whitney_u(x, y, method="exact" if exact else "asymptotic")


def smallest_possible_p(n1: int, n2: int) -> float:
    """The smallest two-sided p the U test can give for samples of these
    sizes (perfect separation): if it is above the level, no data can ever
    be significant and the honest verdict is "too few repetitions"."""
    if n1 == 0 or n2 == 0:
        return 1.0
    return gate_u_test(list(range(n1)), list(range(n1, n1 + n2))).pvalue


# ------------------------------------------------------------------ bootstrap

# Percentile bootstrap: resamples per interval, and the interval's level.
BOOTSTRAP_RESAMPLES = 2000
CI_LEVEL = 0.95


def _seed(key: str) -> int:
    # A fixed seed per benchmark name: the same data always gives the same
    # interval, in this process and the next.
    import zlib
    return zlib.crc32(key.encode("utf-8"))


def _percentiles(values: List[float], level: float) -> Tuple[float, float]:
    values.sort()
    lo = (1.0 - level) / 2.0
    i = int(math.floor(lo * (len(values) - 1)))
    j = int(math.ceil((1.0 - lo) * (len(values) - 1)))
    return values[i], values[j]


def median_ci(xs: Sequence[float], key: str = "", resamples: int = BOOTSTRAP_RESAMPLES,
              level: float = CI_LEVEL) -> Optional[Tuple[float, float]]:
    """Percentile-bootstrap interval of the median (None below 2 values)."""
    import random
    if len(xs) < 2:
        return None
    rng = random.Random(_seed("median:" + key))
    n = len(xs)
    meds = [median(rng.choices(xs, k=n)) for _ in range(resamples)]
    return _percentiles(meds, level)


def ratio_ci(old: Sequence[float], new: Sequence[float], key: str = "", resamples: int = BOOTSTRAP_RESAMPLES,
             level: float = CI_LEVEL) -> Optional[Tuple[float, float]]:
    """Percentile-bootstrap interval of median(new) / median(old), the two
    samples resampled independently (None below 2 values on a side)."""
    import random
    if len(old) < 2 or len(new) < 2:
        return None
    rng = random.Random(_seed("ratio:" + key))
    ratios = []
    for _ in range(resamples):
        a = median(rng.choices(old, k=len(old)))
        b = median(rng.choices(new, k=len(new)))
        if a > 0:
            ratios.append(b / a)
    if len(ratios) < resamples // 2:
        return None
    return _percentiles(ratios, level)
