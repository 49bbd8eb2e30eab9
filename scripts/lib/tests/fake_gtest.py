#!/usr/bin/env python3
"""A stand-in for a GoogleTest binary with one test per outcome, for the
tests of gtest_isolated.py and outside_backends.py. Each test does what its
name says: passes, fails, hangs (sleeps far past any deadline) or crashes
(SIGSEGV). Understands --gtest_list_tests, --gtest_filter=NAME (exact names
or a */backend pattern) and --gtest_output=json:PATH, like the real thing."""
import json
import os
import signal
import sys
import time

BACKEND = os.environ.get("FAKE_GTEST_BACKEND", "mine")
TESTS = [f"Conformance/Fake.{t}/{BACKEND}" for t in ("passes", "fails", "hangs", "crashes")]


def selected(flt):
    if flt is None or flt == "*":
        return TESTS
    if flt.startswith("*/"):
        return [t for t in TESTS if t.endswith("/" + flt[2:])]
    return [t for t in TESTS if t == flt]


def main(argv):
    flt = next((a.split("=", 1)[1] for a in argv if a.startswith("--gtest_filter=")), None)
    out = next((a.split("=", 1)[1][len("json:"):] for a in argv if a.startswith("--gtest_output=")), None)
    tests = selected(flt)
    if "--gtest_list_tests" in argv:
        print("Conformance/Fake.")
        for t in tests:
            print(f"  {t.split('.', 1)[1]}  # GetParam() = \"{BACKEND}\"")
        return 0
    cases, failed = [], 0
    for t in tests:
        if t.endswith(f"hangs/{BACKEND}"):
            time.sleep(3600)
        if t.endswith(f"crashes/{BACKEND}"):
            os.kill(os.getpid(), signal.SIGSEGV)
        case = {"name": t.split(".", 1)[1], "status": "RUN", "result": "COMPLETED", "time": "0s"}
        if t.endswith(f"fails/{BACKEND}"):
            case["failures"] = [{"failure": "fake.cpp:1\nExpected: 1 == 2", "type": ""}]
            failed += 1
        cases.append(case)
    if out:
        with open(out, "w") as f:
            json.dump({"tests": len(cases), "failures": failed,
                       "testsuites": [{"name": "Conformance/Fake", "testsuite": cases}]}, f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
