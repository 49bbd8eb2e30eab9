#!/bin/bash
# Not a test: the thread backend's spin-before-park, A/B in one perf binary.
# Runs the given thread benchmarks with ACTORSPEC_THREAD_SPIN=off (a permit
# sleeps at once, as before the spin) and with the default (spin while the
# machine is not oversubscribed), interleaved, and prints each run's median
# with runnable_at_start (tasks wanting a CPU as the batch began: above the
# CPU count, the default does not spin, so both arms measure the same).
#   backends/thread/tools/spin_ab.sh [perf binary] [filter] [rounds] [repetitions]
# e.g. spin_ab.sh build/release/perf/actorspec_perf 'ping_pong/default_workers/thread|spawn/latency/thread' 3 3
set -euo pipefail
bin=${1:-build/release/perf/actorspec_perf}
filter=${2:-ping_pong/default_workers/thread|spawn/latency/thread|memory/idle_process/N:10000/thread}
rounds=${3:-3}
reps=${4:-3}
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order="off default"; else order="default off"; fi
  for arm in $order; do
    env_value=$arm
    [ "$arm" = default ] && env_value=
    ACTORSPEC_THREAD_SPIN=$env_value "$bin" --backends=thread --benchmark_filter="$filter" \
      --benchmark_repetitions="$reps" --benchmark_format=json 2>/dev/null |
      ARM=$arm ROUND=$r python3 -c '
import json, os, sys
for b in json.load(sys.stdin)["benchmarks"]:
    if b.get("aggregate_name") == "median":
        extra = " bytes_per_process=%d" % b["bytes_per_process"] if "bytes_per_process" in b else ""
        print("%-7s round %s  %-40s %8.0f ns%s  runnable_at_start=%s" % (os.environ["ARM"], os.environ["ROUND"],
              b["run_name"], b["real_time"], extra, b.get("runnable_at_start", "?")))
'
  done
done
