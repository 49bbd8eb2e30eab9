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

// What a benchmark family measures, stated once, next to its code. The
// report shows it wherever the family's numbers appear; it reaches the
// report through perf.json's context as "actorspec_family:<key>" (a JSON
// object), so there is no second copy to drift. `key` is the name prefix
// the description covers ("ring", "spawn/throughput", "ring/scaling"): a
// benchmark takes the description with the longest key that prefixes its
// name (whole path elements).
struct FamilyDescription {
  std::string key{};
  std::string operation{};  // what one operation is, in words
  std::string unit{};       // what the time is per: "ns per hop"
  std::string sizes{};      // the sizes and what they vary
  // What the report charts and ranks: "" for the time per operation, else a
  // counter's name (e.g. "bytes_per_process", "lateness_p50_ns"). Always
  // lower is better.
  std::string quantity{};
  // When set ("messages", "processes"), the chart shows operations per
  // second (higher is better) instead of the time per operation.
  std::string per_second{};
  // Counter prefix of p50_ns/p99_ns/max_ns tails, charted when present;
  // "-" when the family records none.
  std::string tails = "-";
  // "workers" for a scaling family: its cases vary RuntimeOptions::workers.
  std::string x_axis{};
  // (Every member has an initializer: GCC 12's -Wextra warns about members a
  // designated initializer leaves out otherwise.)
};

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
  // Publishes a family's description in the JSON context (see above).
  void describe(const FamilyDescription& d) const;
  // Worker counts a scaling family runs with: 1, 2 and 4, then doubling up
  // to the hardware's threads when it has more than 4.
  std::vector<unsigned> scaling_workers() const;

 private:
  Mode mode_;
  std::vector<BackendInfo> backends_;
  // Descriptions published so far: their registration order, which the
  // report keeps (the rows of perf.json come shuffled, from many processes).
  mutable int described_ = 0;
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
