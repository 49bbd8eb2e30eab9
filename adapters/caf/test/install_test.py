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


# Two families of plain messaging, and every guide program (the ones that
# hung on CAF before their errors were made visible).
PERF_FILTER = "ping_pong|spawn/latency|guide/"
PERF_TIMEOUT = 300


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


def check_perf(json_path, listed):
    """Every listed benchmark has a row: a measurement or a visible error
    (CAF failing a family, e.g. guide/worker_pool's names, is a result)."""
    if not os.path.exists(json_path):
        raise Failure(f"the perf run wrote no {json_path} (crashed?)")
    with open(json_path) as f:
        report = json.load(f)
    rows = [b for b in report.get("benchmarks", []) if "/caf" in b.get("name", "")]
    seen = {b.get("run_name", b.get("name")) for b in rows}
    missing = [n for n in listed if n not in seen]
    if missing:
        raise Failure(f"{len(missing)} caf benchmarks have no row, e.g. {missing[:3]}")
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

    # The guide families run whole programs (GDE-1, 2, 8, 9) on the runtime:
    # where CAF cannot run one (GDE-9's worker names are no atoms) the family
    # must end with an error within seconds; it once hung until scripts/run's
    # 600 s per-family timeout. PERF_TIMEOUT is far above their quick run.
    perf_json = os.path.join(build, "perf-caf.json")
    perf = [os.path.join(build, "caf_perf"), "--quick", f"--benchmark_filter={PERF_FILTER}"]
    listed = run(perf + ["--benchmark_list_tests=true"], env, "perf suite, list", capture_output=True,
                 text=True).stdout.split()
    if not any(n.startswith("guide/worker_pool/") for n in listed):
        raise Failure(f"the perf filter {PERF_FILTER} selects no guide/worker_pool benchmark: {listed}")
    try:
        run(perf + [f"--benchmark_out={perf_json}", "--benchmark_out_format=json"], env,
            f"perf suite ({PERF_FILTER})", timeout=PERF_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"the perf run ({PERF_FILTER}) hung: no end in {PERF_TIMEOUT} s") from None
    rows = check_perf(perf_json, [re.sub(r"(/(iterations:\d+|manual_time))+$", "", n) for n in listed])

    print(f"caf conformance: {len(expected)} tests, {len(passed)} passed, {len(failed)} failed")
    for name in failed:
        print(f"  FAILED {name}")
    print(f"caf perf: {len(rows)} rows")
    for row in rows:
        if row.get("error_occurred") and row.get("repetition_index", 0) == 0:
            print(f"  ERROR {row['name']}: {row.get('error_message')}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"caf_install: {e}", file=sys.stderr)
        sys.exit(1)
