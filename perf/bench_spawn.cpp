// spawn/throughput: N processes spawned back to back, each ending at once;
// done when all N have ended (seen through their Down).
// spawn/latency: one process at a time, from spawn_monitor to its Down.

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

void empty_body(Process&) {}

void spawn_throughput(benchmark::State& state, const BackendInfo& backend, std::int64_t n,
                      const RuntimeOptions& options = {}) {
  auto rt = make_runtime_or_skip(state, backend, options);
  if (!rt) return;
  state.SetLabel("ns per process: spawn_monitor of an empty body, until its Down; N back to back");
  measure(state, *rt, n, [n](Process& self) {
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) self.spawn_monitor(empty_body);
    for (std::int64_t i = 0; i < n; ++i) self.receive<Down>();
    return seconds_between(t0, Clock::now());
  });
  state.SetItemsProcessed(state.iterations());
}

void spawn_latency(benchmark::State& state, const BackendInfo& backend, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns from spawn_monitor to the Down of an empty body, one process at a time");
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(n));
  measure(state, *rt, n, [n, &samples](Process& self) {
    for (int i = 0; i < 10; ++i) {  // warm-up: first thread/stack allocations
      self.spawn_monitor(empty_body);
      self.receive<Down>();
    }
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      const auto s = Clock::now();
      self.spawn_monitor(empty_body);
      self.receive<Down>();
      samples.push_back(ns_between(s, Clock::now()));
    }
    return seconds_between(t0, Clock::now());
  });
  set_percentile_counters(state, samples);
}

}  // namespace

void register_spawn(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(200, 10'000);
  r.describe({.key = "spawn/throughput",
              .operation = "spawn_monitor of an empty body, N back to back, until every Down has arrived",
              .unit = "ns per process",
              .sizes = "N = " + std::to_string(n) + " processes per repetition",
              .per_second = "processes"});
  r.describe({.key = "spawn/latency",
              .operation = "spawn_monitor of an empty body until its Down, one process at a time",
              .unit = "ns from spawn to Down",
              .sizes = std::to_string(r.size<std::int64_t>(100, 1'000)) + " processes per repetition",
              .tails = ""});
  r.for_each_backend("spawn/throughput/N:" + std::to_string(n), n,
                     [n](benchmark::State& s, const BackendInfo& b) { spawn_throughput(s, b, n); });
  const std::int64_t k = r.size<std::int64_t>(100, 1'000);
  // Scaling: the same throughput with 1, 2, 4... workers; the thread
  // backend has no workers to vary and runs once, in its natural form.
  const std::int64_t scaled = r.size<std::int64_t>(200, 5'000);
  r.describe({.key = "spawn/scaling",
              .operation = "spawn/throughput (spawn_monitor of an empty body until every Down) with the runtime's "
                           "worker threads set to 1, 2, 4...; thread: one OS thread per process",
              .unit = "ns per process",
              .sizes = "N = " + std::to_string(scaled) + " processes per repetition",
              .per_second = "processes",
              .x_axis = "workers"});
  for (const auto& b : r.backends()) {
    if (b.workers == 0) {
      r.for_backend(b, "spawn/scaling/one_thread_per_process", scaled,
                    [scaled](benchmark::State& s, const BackendInfo& bk) { spawn_throughput(s, bk, scaled); });
      continue;
    }
    for (const unsigned w : r.scaling_workers()) {
      r.for_backend(b, "spawn/scaling/workers:" + std::to_string(w), scaled,
                    [scaled, w](benchmark::State& s, const BackendInfo& bk) {
                      spawn_throughput(s, bk, scaled, RuntimeOptions{.workers = w});
                    });
    }
  }
  r.for_each_backend("spawn/latency", k, [k](benchmark::State& s, const BackendInfo& b) { spawn_latency(s, b, k); });
}

}  // namespace actorspec::perf
