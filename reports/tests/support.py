"""Shared by the unit tests: import path and fixture locations."""

import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
REPORTS = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")

if REPORTS not in sys.path:
    sys.path.insert(0, REPORTS)


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


CONFORMANCE = [fixture(f"conformance_{b}.json") for b in ("thread", "tbb", "fiber")]

# Stands in for Chart.js where a test only needs the page assembled.
STUB_CHARTJS = "window.Chart = function () {};\n"
