#!/usr/bin/env python3
"""Checks an actorspec_perf JSON report: every expected family ran for every
backend named in the context, every number is finite and positive where it
must be, and the context keys are there. Never a timing threshold.

usage: check_perf_json.py REPORT.json
"""

import json
import math
import sys

# Families every backend must run. A family is the name without its
# NAME:VALUE arguments and without the backend (the last path element).
FAMILIES = [
    "spawn/throughput",
    "spawn/latency",
    "ping_pong/default_workers",
    "ring",
    "fan_in",
    "selective_receive",
    "timers",
    "guide/counter",
    "guide/kv_store",
    "guide/parallel_map",
    "guide/worker_pool",
    "memory/idle_process",
]
# Only where the backend's default runtime has more than one worker.
POOLED_FAMILIES = ["ping_pong/same_worker"]

# Scaling families: pooled backends run them at workers 1, 2 and 4 (more on
# bigger machines); a backend without workers (thread) runs its natural form
# once, as <family>/one_thread_per_process.
SCALING_FAMILIES = ["spawn/scaling", "ping_pong/scaling", "ring/scaling", "fan_in/scaling"]
SCALING_WORKERS = {"workers:1", "workers:2", "workers:4"}

# Every benchmark's name must be covered by one of the family descriptions
# (context "actorspec_family:<key>", a JSON object with these fields).
DESCRIPTION_FIELDS = ["operation", "unit", "sizes", "quantity", "per_second", "tails", "x_axis"]

# Arguments that must each appear, per family, in every mode.
REQUIRED_ARGS = {
    "fan_in": {"k:1", "k:2", "k:8", "k:64"},
    "selective_receive": {"D:0", "D:10", "D:100", "D:1000", "D:10000"},
    "ring": {"R:10", "R:100", "R:1000"},
}

# Counters each family must report, all > 0 in every repetition.
REQUIRED_COUNTERS = {
    "spawn/throughput": ["items_per_second"],
    "spawn/latency": ["p50_ns", "p99_ns"],
    "ping_pong/default_workers": ["p50_ns", "p99_ns"],
    "ping_pong/same_worker": ["p50_ns", "p99_ns"],
    "fan_in": ["items_per_second"],
    "timers": ["lateness_p50_ns", "lateness_p99_ns", "lateness_mean_ns"],
    "guide/counter": ["items_per_second"],
    "guide/kv_store": ["items_per_second"],
    "guide/parallel_map": ["items_per_second"],
    "guide/worker_pool": ["items_per_second"],
    "memory/idle_process": ["bytes_per_process"],
}

CONTEXT_KEYS = [
    "actorspec_backends",
    "actorspec_build_type",
    "actorspec_mode",
    "actorspec_workers",
    "actorspec_compiler",
    "actorspec_versions",
    "actorspec_git_commit",
]
VERSION_KEYS = ["oneTBB", "Boost", "GoogleTest", "GoogleBenchmark"]

# Keys of a Google Benchmark run that are not user counters.
STANDARD_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "repetition_index", "threads", "iterations", "real_time",
    "cpu_time", "time_unit", "label", "aggregate_name", "aggregate_unit",
    "error_occurred", "error_message", "big_o", "rms",
}


def split_name(run_name):
    """(family, args, backend) of 'fan_in/k:8/thread'."""
    parts = run_name.split("/")
    backend = parts[-1]
    family = "/".join(p for p in parts[:-1] if ":" not in p)
    args = {p for p in parts[:-1] if ":" in p}
    return family, args, backend


def finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def check(report):
    errors = []
    context = report.get("context", {})

    for key in CONTEXT_KEYS:
        if not isinstance(context.get(key), str) or not context[key]:
            errors.append(f"context: '{key}' missing or empty")
    if errors:
        return errors

    if context["actorspec_mode"] not in ("quick", "full"):
        errors.append(f"context: actorspec_mode is '{context['actorspec_mode']}'")
    try:
        versions = json.loads(context["actorspec_versions"])
        for key in VERSION_KEYS:
            if not isinstance(versions.get(key), str) or not versions[key]:
                errors.append(f"context: actorspec_versions lacks '{key}'")
    except json.JSONDecodeError as e:
        errors.append(f"context: actorspec_versions is not JSON ({e})")

    backends = context["actorspec_backends"].split(",")
    workers = {}
    for item in context["actorspec_workers"].split(","):
        name, _, count = item.partition("=")
        if not count.isdigit():
            errors.append(f"context: actorspec_workers entry '{item}' is not name=count")
            continue
        workers[name] = int(count)
    if set(workers) != set(backends):
        errors.append(f"context: actorspec_workers {sorted(workers)} does not match backends {sorted(backends)}")

    # Google Benchmark's CV of a counter that was 0 in every repetition is
    # 0/0 and written as NaN; that NaN is right, provided the mean is 0.
    means = {run.get("run_name"): run for run in report.get("benchmarks", [])
             if run.get("run_type") == "aggregate" and run.get("aggregate_name") == "mean"}

    descriptions = {}
    for key, value in context.items():
        if not key.startswith("actorspec_family:"):
            continue
        try:
            doc = json.loads(value)
        except (TypeError, json.JSONDecodeError) as e:
            errors.append(f"context: {key} is not JSON ({e})")
            continue
        missing = [f for f in DESCRIPTION_FIELDS if not isinstance(doc.get(f), str)]
        if missing or not doc.get("operation") or not doc.get("unit"):
            errors.append(f"context: {key} lacks {missing or 'an operation or unit'}")
        descriptions[key.split(":", 1)[1]] = doc

    def described(run_name):
        parts = run_name.split("/")[:-1]
        return any("/".join(parts[:n]) in descriptions for n in range(len(parts), 0, -1))

    seen = {}  # (family, backend) -> set of args seen
    for run in report.get("benchmarks", []):
        name = run.get("run_name", run.get("name", "?"))
        family, args, backend = split_name(name)
        if run.get("error_occurred"):
            errors.append(f"{name}: error: {run.get('error_message')}")
            continue
        if backend not in backends:
            errors.append(f"{name}: backend '{backend}' is not in actorspec_backends")
        if not described(name):
            errors.append(f"{name}: no family description in the context covers it")
        counters = {k: v for k, v in run.items() if k not in STANDARD_KEYS}
        for key, value in counters.items():
            zero_mean = means.get(run.get("run_name"), {}).get(key) == 0
            if run.get("aggregate_name") == "cv" and isinstance(value, float) and math.isnan(value) and zero_mean:
                continue
            if not finite(value) or value < 0:
                errors.append(f"{run['name']}: counter {key} = {value!r}")
        for key in ("real_time", "cpu_time"):
            if not finite(run.get(key)) or run[key] < 0:
                errors.append(f"{run['name']}: {key} = {run.get(key)!r}")

        if run.get("run_type") == "aggregate":
            continue
        if not finite(run.get("real_time")) or run["real_time"] <= 0:
            errors.append(f"{name}: real_time = {run.get('real_time')!r}, not > 0")
        if not isinstance(run.get("iterations"), int) or run["iterations"] <= 0:
            errors.append(f"{name}: iterations = {run.get('iterations')!r}")
        for key in REQUIRED_COUNTERS.get(family, []):
            if not finite(counters.get(key)) or counters[key] <= 0:
                errors.append(f"{name}: counter {key} = {counters.get(key)!r}, not > 0")
        seen.setdefault((family, backend), set()).update(args)

    for backend in backends:
        expected = FAMILIES + (POOLED_FAMILIES if workers.get(backend, 0) > 1 else [])
        for family in expected:
            if (family, backend) not in seen:
                errors.append(f"{family}/{backend}: did not run")
                continue
            missing = REQUIRED_ARGS.get(family, set()) - seen[(family, backend)]
            if missing:
                errors.append(f"{family}/{backend}: no run for {sorted(missing)}")
        for family in SCALING_FAMILIES:
            if workers.get(backend, 0) == 0:
                if (family + "/one_thread_per_process", backend) not in seen:
                    errors.append(f"{family}/one_thread_per_process/{backend}: did not run")
                continue
            missing = SCALING_WORKERS - seen.get((family, backend), set())
            if missing:
                errors.append(f"{family}/{backend}: no run for {sorted(missing)}")
    return errors


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        report = json.load(f)
    errors = check(report)
    for e in errors:
        print("check_perf_json:", e, file=sys.stderr)
    runs = len(report.get("benchmarks", []))
    if errors:
        print(f"check_perf_json: {len(errors)} problem(s) in {runs} runs", file=sys.stderr)
        return 1
    print(f"check_perf_json: ok ({runs} runs, backends {report['context']['actorspec_backends']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
