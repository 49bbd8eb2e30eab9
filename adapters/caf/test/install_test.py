#!/usr/bin/env python3
"""caf_install: build the CAF adapter as an outside user would, run the suites.

Follows README.md's "Test your own runtime" to the letter: the CMakeLists.txt
and registration shown there must be the files in adapters/caf/, and the
shell commands shown there are the ones run here (with ACTORSPEC_BUILD,
PREFIX, SRC and BUILD set as the README says).

Verdicts on CAF are results: a failing rule passes this test. It fails when
the package does not install, the project does not configure or build, the
suite crashes or hangs, or any test of the suite ends without a verdict.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "lib"))
from gtest_isolated import list_tests  # noqa: E402


class Failure(Exception):
    pass


def readme_block(readme: str, name: str) -> str:
    """The fenced block right after `<!-- caf-install-test: NAME -->`."""
    m = re.search(r"<!-- caf-install-test: " + re.escape(name) + r" -->\s*```[a-z]*\n(.*?)```", readme, re.S)
    if not m:
        raise Failure(f"README.md has no block marked 'caf-install-test: {name}'")
    return m.group(1)


def run(cmd, env, what, ok=(0,), **kw):
    print(f"--- {what}: {cmd if isinstance(cmd, str) else ' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, env=env, **kw)
    if proc.returncode not in ok:
        raise Failure(f"{what} exited with {proc.returncode}")
    return proc


def check_conformance(json_path, expected):
    """Every expected test has a verdict in the JSON: (passed, failed) names."""
    if not os.path.exists(json_path):
        raise Failure(f"the conformance run wrote no {json_path} (crashed?)")
    with open(json_path) as f:
        report = json.load(f)
    verdicts = {}
    for suite in report.get("testsuites", []):
        for t in suite.get("testsuite", []):
            name = f"{suite['name']}.{t['name']}"
            if t.get("status") != "RUN" or t.get("result") != "COMPLETED":
                raise Failure(f"{name} has no verdict (status {t.get('status')}, result {t.get('result')})")
            verdicts[name] = "failed" if t.get("failures") else "passed"
            if t.get("actorspec_outcome"):
                print(f"  {name}: {t['actorspec_outcome']}")
    missing = [n for n in expected if n not in verdicts]
    if missing:
        raise Failure(f"{len(missing)} tests have no verdict, e.g. {missing[:3]}")
    passed = sorted(n for n, v in verdicts.items() if v == "passed")
    failed = sorted(n for n, v in verdicts.items() if v == "failed")
    return passed, failed


def check_perf(json_path):
    with open(json_path) as f:
        report = json.load(f)
    rows = [b for b in report.get("benchmarks", []) if "/caf" in b.get("name", "")]
    if not rows:
        raise Failure(f"{json_path} has no caf benchmark rows")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actorspec-build", required=True, help="the built actorspec tree to install")
    ap.add_argument("--source", required=True, help="actorspec's source tree")
    ap.add_argument("--work", required=True, help="scratch directory (emptied first)")
    ap.add_argument("--build-type", default="Debug")
    ap.add_argument("--cxx-flags", default="", help="the actorspec build's CMAKE_CXX_FLAGS (sanitizers)")
    ap.add_argument("--linker-flags", default="", help="the actorspec build's CMAKE_EXE_LINKER_FLAGS")
    args = ap.parse_args()

    src = os.path.join(args.source, "adapters", "caf")
    with open(os.path.join(args.source, "README.md")) as f:
        readme = f.read()
    for shown, path in (("CMakeLists.txt", "CMakeLists.txt"), ("registration", "register_caf.cpp")):
        with open(os.path.join(src, path)) as f:
            if readme_block(readme, shown).strip() != f.read().strip():
                raise Failure(f"README.md's {shown} block differs from adapters/caf/{path}")

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    build = os.path.join(args.work, "build")
    env = dict(os.environ,
               ACTORSPEC_BUILD=args.actorspec_build, PREFIX=os.path.join(args.work, "prefix"),
               SRC=src, BUILD=build,
               # What the README leaves to the user's defaults, pinned here.
               CMAKE_GENERATOR="Ninja", CMAKE_BUILD_TYPE=args.build_type,
               CMAKE_BUILD_PARALLEL_LEVEL="2",
               CXXFLAGS=args.cxx_flags, LDFLAGS=args.linker_flags)

    run(["bash", "-euo", "pipefail", "-c", readme_block(readme, "build")], env, "README: install, configure, build")

    binary = os.path.join(build, "caf_conformance")
    registered = run(["ctest", "--test-dir", build, "-N", "-L", "conformance"], env, "CTest registration",
                     capture_output=True, text=True).stdout
    if "caf_conformance.registers.caf" not in registered:
        raise Failure("the out-of-tree project registered no caf conformance tests in CTest")
    expected = list_tests(binary, env=env)
    if not expected or not all(n.endswith("/caf") for n in expected):
        raise Failure(f"the suite should hold caf tests only, lists {len(expected)}: {expected[:3]}")

    # The README's run command, from the checkout; exit status 1 means "some
    # rule failed": a result.
    run(["bash", "-uo", "pipefail", "-c", readme_block(readme, "run")], env, "README: run the suite", ok=(0, 1),
        cwd=args.source)
    passed, failed = check_conformance(os.path.join(build, "conformance-caf.json"), expected)

    perf_json = os.path.join(build, "perf-caf.json")
    run([os.path.join(build, "caf_perf"), "--quick", "--benchmark_filter=ping_pong|spawn/latency",
         f"--benchmark_out={perf_json}", "--benchmark_out_format=json"], env, "perf suite, two families")
    rows = check_perf(perf_json)

    print(f"caf conformance: {len(expected)} tests, {len(passed)} passed, {len(failed)} failed")
    for name in failed:
        print(f"  FAILED {name}")
    print(f"caf perf: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"caf_install: {e}", file=sys.stderr)
        sys.exit(1)
