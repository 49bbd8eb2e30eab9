#pragma once
// What every benchmark family shares: the backends found at startup, the
// sizes of the current mode (quick or full), registration under names whose
// last path element is the backend, and timing a batch of work inside a
// runtime.
//
// Timing model: each benchmark repetition makes its own runtime, builds what
// it needs outside the timed region, then runs one batch of `ops`
// operations in a driver process that reads a steady clock around the work
// only. Google Benchmark counts `ops` iterations and is handed that time as
// manual time, so real_time is nanoseconds per operation.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"

namespace actorspec::perf {

using Clock = std::chrono::steady_clock;

inline double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}
inline double ns_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::nano>(to - from).count();
}

// A registered backend and the worker threads its default runtime uses.
struct BackendInfo {
  std::string name;
  unsigned workers = 0;  // 0: one OS thread per process (nothing to place)
};

enum class Mode { quick, full };

// Where a family is registered: for every backend, sized for the mode.
class Registrar {
 public:
  using Fn = std::function<void(benchmark::State&, const BackendInfo&)>;

  Registrar(Mode mode, std::vector<BackendInfo> backends) : mode_(mode), backends_(std::move(backends)) {}

  Mode mode() const { return mode_; }
  bool quick() const { return mode_ == Mode::quick; }
  // The quick value in quick mode, the full value otherwise.
  template <class T>
  T size(T quick_value, T full_value) const { return quick() ? quick_value : full_value; }
  const std::vector<BackendInfo>& backends() const { return backends_; }

  // Registers `fn` as "<path>/<backend>" for every backend; one repetition
  // runs exactly `ops` iterations (one batch). `path` holds the family and
  // NAME:VALUE arguments, never the backend.
  void for_each_backend(const std::string& path, std::int64_t ops, const Fn& fn) const;
  // The same for one backend only.
  void for_backend(const BackendInfo& backend, const std::string& path, std::int64_t ops, const Fn& fn) const;

 private:
  Mode mode_;
  std::vector<BackendInfo> backends_;
};

// A runtime of the backend, or nullptr after reporting the error to `state`.
std::unique_ptr<Runtime> make_runtime_or_skip(benchmark::State& state, const BackendInfo& backend,
                                              const RuntimeOptions& options = {});

// Runs `driver` as a process of `rt` and waits for it. The driver returns
// the seconds its timed part took. An abnormal exit is reported to `state`
// as an error and gives nullopt.
std::optional<double> run_driver(benchmark::State& state, Runtime& rt, const std::function<double(Process&)>& driver);

// The benchmark loop for one batch per repetition: runs `driver` for each
// batch of `ops` iterations Google Benchmark asks for and hands it the time.
void measure(benchmark::State& state, Runtime& rt, std::int64_t ops, const std::function<double(Process&)>& driver);

// Sets <prefix>p50_ns, <prefix>p99_ns and <prefix>max_ns from nanosecond
// samples (reorders them). Nothing is set for no samples.
void set_percentile_counters(benchmark::State& state, std::vector<double>& samples_ns, const std::string& prefix = "");

// Resident set size of this process in bytes (Linux /proc/self/statm).
std::int64_t resident_bytes();

}  // namespace actorspec::perf
