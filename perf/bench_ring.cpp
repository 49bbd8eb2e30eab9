// ring: R processes, each forwarding a token to the next, for L laps.
// Reports ns per hop. The ring is built and warmed (one untimed lap) outside
// the timed region; L is chosen so every size does a similar number of hops.

#include <algorithm>

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

struct Next {
  Pid pid;
};
struct Token {
  std::int64_t hops_left;
  Pid reply_to;
};

void ring_member(Process& self) {
  const Pid next = self.receive<Next>().pid;
  for (;;) {
    const Token t = self.receive<Token>();
    if (t.hops_left == 0) {
      self.send(t.reply_to, t);
    } else {
      self.send(next, Token{t.hops_left - 1, t.reply_to});
    }
  }
}

constexpr std::int64_t kLargestRing = 100'000;

// Largest ring a backend can hold on this machine. A backend with one OS
// thread per process (workers() == 0: thread, and outside ones such as caf,
// whose blocking actors each own a thread) needs one kernel task per
// process and kernel.pid_max is 32768 here (shared with everything else on
// the machine), so 100,000 cannot run; 10,000 is the largest swept size
// that fits. (Trying anyway took every task the machine had, and CAF never
// came back from the refused thread.) A backend that cannot hold 100,000
// parked processes for another reason adds its cap here (see perf/README.md).
std::int64_t max_ring(const BackendInfo& b) { return b.workers == 0 ? 10'000 : kLargestRing; }

void ring(benchmark::State& state, const BackendInfo& backend, std::int64_t size, std::int64_t laps,
          const RuntimeOptions& options = {}) {
  auto rt = make_runtime_or_skip(state, backend, options);
  if (!rt) return;
  std::string label = "ns per hop; R=" + std::to_string(size) + ", " + std::to_string(laps) +
                      " laps per repetition, built and warmed outside the timed region";
  if (size == max_ring(backend) && size < kLargestRing) {
    label += "; the largest ring this backend runs here (R=" + std::to_string(kLargestRing) + " exceeds its cap)";
  }
  state.SetLabel(label);
  std::vector<Pid> members;
  members.reserve(static_cast<std::size_t>(size));
  try {
    for (std::int64_t i = 0; i < size; ++i) members.push_back(rt->spawn(ring_member));
  } catch (const std::exception& e) {
    state.SkipWithError(("could not spawn the ring: " + std::string(e.what())).c_str());
    return;
  }
  for (std::size_t i = 0; i < members.size(); ++i) rt->send(members[i], Next{members[(i + 1) % members.size()]});
  const std::int64_t hops = size * laps;
  measure(state, *rt, hops, [&](Process& self) {
    self.send(members[0], Token{size - 1, self.self()});  // warm-up lap
    self.receive<Token>();
    const auto t0 = Clock::now();
    self.send(members[0], Token{hops - 1, self.self()});
    self.receive<Token>();
    return seconds_between(t0, Clock::now());
  });
  state.counters["laps"] = static_cast<double>(laps);
}

}  // namespace

void register_ring(const Registrar& r) {
  const std::vector<std::int64_t> sizes =
      r.quick() ? std::vector<std::int64_t>{10, 100, 1'000} : std::vector<std::int64_t>{10, 100, 1'000, 10'000, kLargestRing};
  const std::int64_t target_hops = r.size<std::int64_t>(2'000, 20'000);
  r.describe({.key = "ring",
              .operation = "one hop: a process receives the token and sends it to the next of R processes in a "
                           "ring; the ring is built and one lap run outside the timed region",
              .unit = "ns per hop",
              .sizes = "R = " + std::to_string(sizes.front()) + " to " + std::to_string(sizes.back()) +
                       " processes (one OS thread per process, e.g. thread: at most 10,000, their cap here), about " + std::to_string(target_hops) +
                       " hops per repetition"});
  const std::int64_t scaled_size = r.size<std::int64_t>(100, 1'000);
  const std::int64_t scaled_laps = r.size<std::int64_t>(10, 10);
  r.describe({.key = "ring/scaling",
              .operation = "one hop of a token around a ring of R processes, runtime with 1, 2, 4... worker "
                           "threads; thread: one OS thread per process",
              .unit = "ns per hop",
              .sizes = "R = " + std::to_string(scaled_size) + ", " + std::to_string(scaled_laps) +
                       " laps per repetition",
              .per_second = "hops",
              .x_axis = "workers"});
  for (const auto& b : r.backends()) {
    const auto run = [scaled_size, scaled_laps](const RuntimeOptions& o) {
      return [scaled_size, scaled_laps, o](benchmark::State& s, const BackendInfo& bk) {
        ring(s, bk, scaled_size, scaled_laps, o);
      };
    };
    if (b.workers == 0) {
      r.for_backend(b, "ring/scaling/R:" + std::to_string(scaled_size) + "/one_thread_per_process",
                    scaled_size * scaled_laps, run({}));
      continue;
    }
    for (const unsigned w : r.scaling_workers()) {
      r.for_backend(b, "ring/scaling/R:" + std::to_string(scaled_size) + "/workers:" + std::to_string(w),
                    scaled_size * scaled_laps, run(RuntimeOptions{.workers = w}));
    }
  }
  for (const auto& b : r.backends()) {
    for (const std::int64_t size : sizes) {
      if (size > max_ring(b)) continue;
      const std::int64_t laps = std::max<std::int64_t>(1, target_hops / size);
      r.for_backend(b, "ring/R:" + std::to_string(size), size * laps,
                    [size, laps](benchmark::State& s, const BackendInfo& bk) { ring(s, bk, size, laps); });
    }
  }
}

}  // namespace actorspec::perf
