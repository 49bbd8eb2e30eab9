// guide/parallel_map: the guide's parallel_map (guide/parallel_map.hpp, the
// code GDE-8's conformance tests check): one process per item, each sending
// {self(), f(item)} to the parent, which collects the results in input order
// by receiving {^pid, result} for each pid in turn (results that arrive out
// of order wait in the mailbox). f squares its item. Reports ns per item
// (items/s as items_per_second).

#include <numeric>

#include "actorspec_guide/parallel_map.hpp"
#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

void guide_parallel_map(benchmark::State& state, const BackendInfo& backend, std::int64_t items) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per item: parallel_map of x*x over " + std::to_string(items) +
                 " items, one process each, collected in input order");
  std::vector<std::int64_t> xs(static_cast<std::size_t>(items));
  std::iota(xs.begin(), xs.end(), 0);
  measure(state, *rt, items, [&xs](Process& self) {
    const auto t0 = Clock::now();
    const auto results = guide::pmap::parallel_map(self, xs, [](Process&, std::int64_t x) { return x * x; });
    const double seconds = seconds_between(t0, Clock::now());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (results[i] != xs[i] * xs[i]) throw std::logic_error("a result is out of place");
    }
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_parallel_map(const Registrar& r) {
  const std::int64_t items = r.size<std::int64_t>(200, 10'000);
  r.describe({.key = "guide/parallel_map",
              .operation = "one item of the guide's parallel_map (GDE-8): a process per item computing x*x, "
                           "results collected in input order",
              .unit = "ns per item",
              .sizes = std::to_string(items) + " items per repetition",
              .per_second = "items"});
  r.for_each_backend("guide/parallel_map/items:" + std::to_string(items), items,
                     [items](benchmark::State& s, const BackendInfo& b) { guide_parallel_map(s, b, items); });
}

}  // namespace actorspec::perf
