// guide/kv_store: the guide's KVStore (guide/kv_store.hpp, the code GDE-2's
// conformance tests check: string keys in a std::map) and its client API,
// each call waiting for the reply with the guide's 1000 ms timeout. The
// workload cycles put, get, get (another key), delete over 1024 keys; the
// key strings are made outside the timed region. Reports ns per call
// (calls/s as items_per_second).

#include <string>
#include <vector>

#include "actorspec_guide/kv_store.hpp"
#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

namespace kv = guide::kv;

// One call of the cycle; returns how many gets found their key.
int operation(Process& self, Pid store, const std::vector<std::string>& names, std::int64_t i) {
  const std::size_t key = static_cast<std::size_t>((i / 4 * 7919) % 1024);
  switch (i % 4) {
    case 0:
      kv::put(self, store, names[key], i);
      return 0;
    case 1:
      return kv::get(self, store, names[key]) ? 1 : 0;
    case 2:
      kv::get(self, store, names[(key + 512) % 1024]);
      return 0;
    default:
      kv::del(self, store, names[key]);
      return 0;
  }
}

void guide_kv_store(benchmark::State& state, const BackendInfo& backend, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per KVStore call (put/get/get/delete cycle over 1024 string keys, replies awaited with after 1000 ms)");
  std::vector<std::string> names;
  for (int k = 0; k < 1024; ++k) names.push_back("key-" + std::to_string(k));
  measure(state, *rt, n, [n, &names](Process& self) {
    const Pid store = self.spawn(kv::start());
    for (std::int64_t i = 0; i < 100; ++i) operation(self, store, names, i);  // warm-up
    std::int64_t found = 0;
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) found += operation(self, store, names, i);
    const double seconds = seconds_between(t0, Clock::now());
    if (found != (n + 2) / 4) throw std::logic_error("a get missed the key just put");
    kv::stop(self, store);
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_kv_store(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(500, 20'000);
  r.describe({.key = "guide/kv_store",
              .operation = "one call to the guide's KVStore process in a put/get/get/delete cycle over 1024 string "
                           "keys, reply awaited (GDE-2's code)",
              .unit = "ns per call",
              .sizes = std::to_string(n) + " calls per repetition"});
  r.for_each_backend("guide/kv_store", n, [n](benchmark::State& s, const BackendInfo& b) { guide_kv_store(s, b, n); });
}

}  // namespace actorspec::perf
