#include "harness.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>

namespace actorspec::perf {

void Registrar::for_each_backend(const std::string& path, std::int64_t ops, const Fn& fn) const {
  for (const auto& backend : backends_) for_backend(backend, path, ops, fn);
}

void Registrar::for_backend(const BackendInfo& backend, const std::string& path, std::int64_t ops,
                            const Fn& fn) const {
  // Iterations and manual time add "/iterations:N/manual_time" to the name;
  // the reporters strip them again (see backend_last_reporter.hpp).
  benchmark::RegisterBenchmark((path + "/" + backend.name).c_str(),
                               [fn, backend](benchmark::State& state) { fn(state, backend); })
      ->UseManualTime()
      ->Iterations(ops)
      ->Unit(benchmark::kNanosecond);
}

std::unique_ptr<Runtime> make_runtime_or_skip(benchmark::State& state, const BackendInfo& backend,
                                              const RuntimeOptions& options) {
  try {
    return make_runtime(backend.name, options);
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("cannot make a runtime: ") + e.what()).c_str());
    return nullptr;
  }
}

std::optional<double> run_driver(benchmark::State& state, Runtime& rt, const std::function<double(Process&)>& driver) {
  double seconds = 0;
  ExitReason reason;
  try {
    reason = rt.run([&](Process& self) { seconds = driver(self); });
  } catch (const std::exception& e) {
    reason = ExitReason::exception("Runtime::run", e.what());
  }
  if (!reason.is_normal()) {
    state.SkipWithError(("the driver process ended with " + reason.to_string()).c_str());
    return std::nullopt;
  }
  return seconds;
}

void measure(benchmark::State& state, Runtime& rt, std::int64_t ops, const std::function<double(Process&)>& driver) {
  while (state.KeepRunningBatch(ops)) {
    const auto seconds = run_driver(state, rt, driver);
    if (!seconds) break;
    state.SetIterationTime(*seconds);
  }
}

void set_percentile_counters(benchmark::State& state, std::vector<double>& samples_ns, const std::string& prefix) {
  if (samples_ns.empty()) return;
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_ns.size()))) - 1;
    const auto idx = std::min(k, samples_ns.size() - 1);
    std::nth_element(samples_ns.begin(), samples_ns.begin() + static_cast<std::ptrdiff_t>(idx), samples_ns.end());
    return samples_ns[idx];
  };
  state.counters[prefix + "p50_ns"] = at(0.50);
  state.counters[prefix + "p99_ns"] = at(0.99);
  state.counters[prefix + "max_ns"] = *std::max_element(samples_ns.begin(), samples_ns.end());
}

std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace actorspec::perf
