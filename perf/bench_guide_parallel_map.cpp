// guide/parallel_map: the guide's parallel_map: one process per item, each
// sends {self(), f(item)} to the parent, which collects the results in
// input order by receiving {^pid, result} for each pid in turn (a selective
// receive: results that arrive out of order wait in the mailbox). f squares
// its item. Reports ns per item (items/s as items_per_second).

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Result {
  Pid from;
  std::int64_t value;
};

void guide_parallel_map(benchmark::State& state, const BackendInfo& backend, std::int64_t items) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per item: parallel_map of x*x over " + std::to_string(items) +
                 " items, one process each, collected in input order");
  measure(state, *rt, items, [items](Process& self) {
    const Pid parent = self.self();
    const auto t0 = Clock::now();
    std::vector<Pid> pids;
    pids.reserve(static_cast<std::size_t>(items));
    for (std::int64_t x = 0; x < items; ++x) {
      pids.push_back(self.spawn([parent, x](Process& p) { p.send(parent, Result{p.self(), x * x}); }));
    }
    std::vector<std::int64_t> results;
    results.reserve(pids.size());
    for (const Pid pid : pids) {
      results.push_back(self.receive(on<Result>([pid](const Result& r) { return r.from == pid; },
                                                [](Result r) { return r.value; })));
    }
    const double seconds = seconds_between(t0, Clock::now());
    for (std::int64_t x = 0; x < items; ++x) {
      if (results[static_cast<std::size_t>(x)] != x * x) throw std::logic_error("a result is out of place");
    }
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_parallel_map(const Registrar& r) {
  const std::int64_t items = r.size<std::int64_t>(200, 10'000);
  r.for_each_backend("guide/parallel_map/items:" + std::to_string(items), items,
                     [items](benchmark::State& s, const BackendInfo& b) { guide_parallel_map(s, b, items); });
}

}  // namespace actorspec::perf
