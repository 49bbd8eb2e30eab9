// memory/idle_process: resident memory per idle live process. N processes
// are spawned and each parks in a receive; the growth of this program's RSS
// (Linux /proc/self/statm) from just before the first spawn to when all N
// have reported in, divided by N, is the bytes_per_process counter. The
// time reported is spawn-to-parked per process. Free heap is returned to
// the kernel first (malloc_trim), so earlier benchmarks' freed memory is
// not counted as reused; whatever glibc still caches (e.g. a few freed
// thread stacks) makes the figure a slight underestimate.

#include <malloc.h>

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Ready {};
struct Stop {};

void memory_idle(benchmark::State& state, const BackendInfo& backend, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per process from spawn to parked in receive; RSS growth per idle process as bytes_per_process");
  double growth = 0;
  measure(state, *rt, n, [&](Process& self) {
    const Pid driver = self.self();
    malloc_trim(0);
    const std::int64_t before = resident_bytes();
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      self.spawn([driver](Process& p) {
        p.send(driver, Ready{});
        p.receive<Stop>();
      });
    }
    for (std::int64_t i = 0; i < n; ++i) self.receive<Ready>();
    const double seconds = seconds_between(t0, Clock::now());
    growth = static_cast<double>(resident_bytes() - before);
    return seconds;
  });
  state.counters["bytes_per_process"] = growth / static_cast<double>(n);
}

}  // namespace

void register_memory(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(200, 10'000);
  r.describe({.key = "memory",
              .operation = "an idle live process: spawned and parked in receive; resident memory (RSS) growth of "
                           "the program divided by N",
              .unit = "bytes per process (the time column is spawn-to-parked per process)",
              .sizes = "N = " + std::to_string(n) + " processes",
              .quantity = "bytes_per_process"});
  r.for_each_backend("memory/idle_process/N:" + std::to_string(n), n,
                     [n](benchmark::State& s, const BackendInfo& b) { memory_idle(s, b, n); });
}

}  // namespace actorspec::perf
