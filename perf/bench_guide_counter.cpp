// guide/counter: the guide's Counter (guide/counter.hpp, the code GDE-1's
// conformance tests check) and its client: {increment, from} answered by
// {value, v}, waited for with the guide's 1000 ms timeout. Reports ns per
// increment round trip (increments/s as items_per_second).

#include "actorspec_guide/counter.hpp"
#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

namespace counter = guide::counter;

std::int64_t increment(Process& self, Pid c) {
  const auto v = counter::increment(self, c);
  if (!v) throw std::runtime_error("the counter did not answer in 1000 ms");
  return *v;
}

void guide_counter(benchmark::State& state, const BackendInfo& backend, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per Counter.increment round trip (client waits with after 1000 ms)");
  measure(state, *rt, n, [n](Process& self) {
    const Pid c = self.spawn(counter::start(0));
    for (int i = 0; i < 100; ++i) increment(self, c);  // warm-up
    const auto t0 = Clock::now();
    std::int64_t last = 0;
    for (std::int64_t i = 0; i < n; ++i) last = increment(self, c);
    const double seconds = seconds_between(t0, Clock::now());
    if (last != n + 100) throw std::logic_error("the counter lost increments");
    counter::stop(self, c);
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_counter(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(500, 20'000);
  r.describe({.key = "guide/counter",
              .operation = "one increment round trip to the guide's Counter process (reply awaited with after "
                           "1000 ms), the code GDE-1's tests check",
              .unit = "ns per increment",
              .sizes = std::to_string(n) + " increments per repetition"});
  r.for_each_backend("guide/counter", n, [n](benchmark::State& s, const BackendInfo& b) { guide_counter(s, b, n); });
}

}  // namespace actorspec::perf
