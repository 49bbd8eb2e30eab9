#include "harness.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

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

namespace {

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

void Registrar::describe(const FamilyDescription& d) const {
  std::string json = "{";
  const std::pair<const char*, const std::string*> fields[] = {
      {"operation", &d.operation}, {"unit", &d.unit},           {"sizes", &d.sizes}, {"quantity", &d.quantity},
      {"per_second", &d.per_second}, {"tails", &d.tails}, {"x_axis", &d.x_axis}};
  for (const auto& [name, value] : fields) {
    if (json.size() > 1) json += ',';
    json += json_string(name) + ':' + json_string(*value);
  }
  json += ",\"order\":" + std::to_string(described_++);
  benchmark::AddCustomContext("actorspec_family:" + d.key, json + "}");
}

std::vector<unsigned> Registrar::scaling_workers() const {
  std::vector<unsigned> out = {1, 2, 4};
  const unsigned hw = std::thread::hardware_concurrency();
  for (unsigned w = 8; w <= hw; w *= 2) out.push_back(w);
  return out;
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

namespace {

// Threads of this process (Linux /proc/self/status), 0 if unknown.
long thread_count() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stol(line.substr(8));
  }
  return 0;
}

// Runnable tasks on the whole machine right now (/proc/loadavg's "R/T").
long runnable_tasks() {
  std::ifstream loadavg("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  std::string rt;
  loadavg >> a >> b >> c >> rt;
  return rt.empty() ? 0 : std::stol(rt.substr(0, rt.find('/')));
}

// Threads of this process that are runnable right now (state R in
// /proc/self/task/*/stat), the reading thread included; 0 if unknown.
// runnable_tasks() counts them too: the report subtracts all but the
// reader, so the benchmark's own spinning workers never make a quiet
// machine look loaded.
long own_runnable_threads() {
  long n = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream stat(task.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;  // the thread ended meanwhile
    const auto close = line.rfind(')');       // comm may hold spaces and parentheses
    if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'R') ++n;
  }
  return n;
}

struct Usage {
  long involuntary_switches;
  long voluntary_switches;
  double cpu_seconds;  // user + system, every thread of the process
};

Usage usage() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return {u.ru_nivcsw, u.ru_nvcsw, secs(u.ru_utime) + secs(u.ru_stime)};
}

// Lets what the previous repetition left behind finish before the clock
// starts: the thread backend's processes are OS threads that end after
// their runtime is gone, and thousands of them exiting would be paid for
// by whichever benchmark runs next. Waits until the thread count has held
// still for 5 ms, at most 2 s. Not synchronisation: a measurement quiet
// period, and the count it saw is reported.
long settle() {
  using namespace std::chrono;
  const auto give_up = steady_clock::now() + seconds(2);
  long last = thread_count();
  auto still_since = steady_clock::now();
  while (steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(1));
    const long now = thread_count();
    if (now != last) {
      last = now;
      still_since = steady_clock::now();
    } else if (steady_clock::now() - still_since >= milliseconds(5)) {
      break;
    }
  }
  return last;
}

}  // namespace

void measure(benchmark::State& state, Runtime& rt, std::int64_t ops, const std::function<double(Process&)>& driver) {
  while (state.KeepRunningBatch(ops)) {
    state.PauseTiming();
    settle();
    const long runnable = runnable_tasks();
    const long own_runnable = own_runnable_threads();
    const Usage before = usage();
    state.ResumeTiming();
    const auto seconds = run_driver(state, rt, driver);
    if (!seconds) break;
    state.SetIterationTime(*seconds);
    const Usage after = usage();
    // Why repetitions disagree, per repetition: how often the kernel took a
    // CPU away from this process during the batch, and how many tasks
    // (this one's included) wanted a CPU as it started. The report shows
    // their medians; perf/README.md correlates them with the times.
    // Also the CPU the whole process burnt per operation and how often its
    // threads went to sleep: spinning shows as CPU, sleeping as switches.
    state.counters["preemptions"] = static_cast<double>(after.involuntary_switches - before.involuntary_switches);
    state.counters["sleeps"] = static_cast<double>(after.voluntary_switches - before.voluntary_switches);
    state.counters["cpu_ns_per_op"] = (after.cpu_seconds - before.cpu_seconds) * 1e9 / static_cast<double>(ops);
    state.counters["runnable_at_start"] = static_cast<double>(runnable);
    state.counters["own_runnable_at_start"] = static_cast<double>(own_runnable);
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
