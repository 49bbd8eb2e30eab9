// timers: N processes each wait in a receive whose `after` timeout fires.
// All N are spawned and parked before the clock starts; the driver then
// sends each a Go, on which it enters `receive ... after(T)`. Reports, per
// timeout, (time until the last one reported back - T) / N: the cost of
// arming, firing and reporting N timers beyond the wait itself. Lateness
// (fire time - entry time - T) is reported as counters.

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Ready {};
struct Go {};
struct NeverSent {};
struct Fired {
  double lateness_ns;
};

void timers(benchmark::State& state, const BackendInfo& backend, std::int64_t n, std::chrono::milliseconds timeout) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per timeout: (last report - first Go - T)/N; N=" + std::to_string(n) +
                 ", T=" + std::to_string(timeout.count()) + "ms");
  std::vector<double> lateness;
  lateness.reserve(static_cast<std::size_t>(n));
  measure(state, *rt, n, [&](Process& self) {
    const Pid driver = self.self();
    std::vector<Pid> waiting;
    waiting.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      waiting.push_back(self.spawn([driver, timeout](Process& p) {
        p.send(driver, Ready{});
        p.receive<Go>();
        const auto entered = Clock::now();
        const bool fired = p.receive(on<NeverSent>([] { return false; }), after(timeout, [] { return true; }));
        const auto now = Clock::now();
        if (!fired) throw std::logic_error("a message nobody sent was received");
        p.send(driver, Fired{ns_between(entered, now) - std::chrono::duration<double, std::nano>(timeout).count()});
      }));
    }
    for (std::int64_t i = 0; i < n; ++i) self.receive<Ready>();
    const auto t0 = Clock::now();
    for (const Pid p : waiting) self.send(p, Go{});
    for (std::int64_t i = 0; i < n; ++i) lateness.push_back(self.receive<Fired>().lateness_ns);
    return seconds_between(t0, Clock::now()) - std::chrono::duration<double>(timeout).count();
  });
  double sum = 0;
  for (const double l : lateness) sum += l;
  if (!lateness.empty()) state.counters["lateness_mean_ns"] = sum / static_cast<double>(lateness.size());
  set_percentile_counters(state, lateness, "lateness_");
}

}  // namespace

void register_timers(const Registrar& r) {
  const std::int64_t n = r.size<std::int64_t>(200, 10'000);
  const auto timeout = r.quick() ? std::chrono::milliseconds(5) : std::chrono::milliseconds(50);
  r.describe({.key = "timers",
              .operation = "a receive ... after(T) that fires, N processes at once; lateness is how long after T "
                           "each one woke (fire time - entry - T), the number that matters for a timer",
              .unit = "ns of lateness (p50 over the N timers); the time column is (last report - first Go - T)/N",
              .sizes = "N = " + std::to_string(n) + " timers, T = " + std::to_string(timeout.count()) + " ms",
              .quantity = "lateness_p50_ns",
              .tails = "lateness_"});
  r.for_each_backend("timers/N:" + std::to_string(n), n,
                     [n, timeout](benchmark::State& s, const BackendInfo& b) { timers(s, b, n, timeout); });
}

}  // namespace actorspec::perf
