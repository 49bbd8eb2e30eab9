// ping_pong: round-trip latency between two processes.
//
// The public API has no placement, so "same worker" and "different
// workers" are approximated by what can be controlled honestly:
//   ping_pong/same_worker      a runtime made with workers=1: both processes
//                              necessarily share the one worker thread.
//                              Registered only for pooled backends (workers>1).
//   ping_pong/default_workers  a runtime with default workers: the scheduler
//                              places the two processes, which may or may not
//                              share a worker. For the thread backend, one OS
//                              thread per process, placed by the OS.

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Ping {
  Pid from;
};
struct Pong {};

void echo(Process& self) {
  for (;;) {
    const Ping p = self.receive<Ping>();
    self.send(p.from, Pong{});
  }
}

void ping_pong(benchmark::State& state, const BackendInfo& backend, const RuntimeOptions& options,
               const std::string& label, std::int64_t n) {
  auto rt = make_runtime_or_skip(state, backend, options);
  if (!rt) return;
  state.SetLabel(label);
  const Pid partner = rt->spawn(echo);
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(n));
  measure(state, *rt, n, [&](Process& self) {
    const Pid me = self.self();
    for (int i = 0; i < 100; ++i) {  // warm-up: the partner has started and parked
      self.send(partner, Ping{me});
      self.receive<Pong>();
    }
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      const auto s = Clock::now();
      self.send(partner, Ping{me});
      self.receive<Pong>();
      samples.push_back(ns_between(s, Clock::now()));
    }
    return seconds_between(t0, Clock::now());
  });
  set_percentile_counters(state, samples);
}

}  // namespace

void register_ping_pong(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(500, 20'000);
  r.describe({.key = "ping_pong",
              .operation = "a round trip: send a Ping to a partner process and receive its Pong. same_worker: a "
                           "runtime with one worker, both processes share it; default_workers: the default runtime, "
                           "placement left to the scheduler (thread: one OS thread each)",
              .unit = "ns per round trip",
              .sizes = std::to_string(n) + " round trips per repetition, each one also timed for the tails",
              .tails = ""});
  const std::int64_t scaled = r.size<std::int64_t>(500, 5'000);
  r.describe({.key = "ping_pong/scaling",
              .operation = "a round trip (Ping, Pong) between two processes, runtime with 1, 2, 4... worker "
                           "threads; thread: one OS thread per process",
              .unit = "ns per round trip",
              .sizes = std::to_string(scaled) + " round trips per repetition",
              .per_second = "round trips",
              .tails = "",
              .x_axis = "workers"});
  for (const auto& b : r.backends()) {
    if (b.workers == 0) {
      r.for_backend(b, "ping_pong/scaling/one_thread_per_process", scaled,
                    [scaled](benchmark::State& s, const BackendInfo& bk) {
                      ping_pong(s, bk, {}, "ns per round trip; one OS thread per process", scaled);
                    });
      continue;
    }
    for (const unsigned w : r.scaling_workers()) {
      r.for_backend(b, "ping_pong/scaling/workers:" + std::to_string(w), scaled,
                    [scaled, w](benchmark::State& s, const BackendInfo& bk) {
                      ping_pong(s, bk, RuntimeOptions{.workers = w},
                                "ns per round trip; runtime with workers=" + std::to_string(w), scaled);
                    });
    }
  }
  for (const auto& b : r.backends()) {
    if (b.workers > 1) {
      r.for_backend(b, "ping_pong/same_worker", n, [n](benchmark::State& s, const BackendInfo& bk) {
        ping_pong(s, bk, RuntimeOptions{.workers = 1},
                  "ns per round trip; runtime with workers=1, so both processes share its one worker", n);
      });
    }
    const std::string label =
        b.workers == 0 ? "ns per round trip; one OS thread per process, placed by the OS"
                       : "ns per round trip; default workers (" + std::to_string(b.workers) +
                             "), placement left to the scheduler: the API cannot pin, partners may share a worker";
    r.for_backend(b, "ping_pong/default_workers", n,
                  [n, label](benchmark::State& s, const BackendInfo& bk) { ping_pong(s, bk, {}, label, n); });
  }
}

}  // namespace actorspec::perf
