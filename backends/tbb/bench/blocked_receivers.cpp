// The big stress run (not in CTest): N processes blocked in receive at once
// on the tbb backend, then all released by one message each. Prints the
// figures README.md quotes: RSS with all blocked, bytes per idle process,
// peak RSS, map count, spawn and release times, the cost of a park/wake
// round trip (executor level and as a message round trip) and of a
// runtime's whole life.
//
//   actorspec_tbb_blocked_receivers [processes=100000] [workers=0]

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "tbb_executor.hpp"

using namespace actorspec;
using Clock = std::chrono::steady_clock;

namespace {

long rss_kib() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  f >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

long map_count() {
  std::ifstream f("/proc/self/maps");
  long n = 0;
  for (std::string line; std::getline(f, line);) ++n;
  return n;
}

double secs_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Ready {};
struct Go {};

void blocked_receivers(int n, unsigned workers) {
  auto rt = make_runtime("tbb", RuntimeOptions{.workers = workers});
  const long rss0 = rss_kib(), maps0 = map_count();
  std::printf("processes=%d workers=%u before: rss_kib=%ld maps=%ld\n", n, rt->workers(), rss0, maps0);
  std::vector<Pid> pids;
  pids.reserve(n);
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i)
      pids.push_back(self.spawn([me](Process& c) {
        c.send(me, Ready{});
        c.receive<Go>();
      }));
    for (int i = 0; i < n; ++i) self.receive<Ready>();
    // Every process has sent Ready; give the last ones a moment to park
    // (this is a measurement, not a test).
    self.receive_for<Go>(std::chrono::milliseconds(200));
    const long rss = rss_kib(), maps = map_count();
    std::printf("all blocked: spawn+ready_secs=%.2f live=%zu rss_kib=%ld maps=%ld bytes_per_blocked_process=%.0f\n",
                secs_since(t0), self.runtime().process_count(), rss, maps, (rss - rss0) * 1024.0 / n);
    std::fflush(stdout);
    const auto t1 = Clock::now();
    for (Pid p : pids) self.send(p, Go{});
    while (self.runtime().process_count() > 1) self.receive_for<Go>(std::chrono::milliseconds(1));
    std::printf("released: all_ended_secs=%.2f\n", secs_since(t1));
  });
  std::printf("run ended: %s; peak_rss_kib=%ld\n", r == ExitReason::normal() ? "normal" : "ABNORMAL", peak_rss_kib());
}

// Executor level: two processes waking each other; one round trip is two
// park/wake pairs.
void executor_round_trip(unsigned workers, int rounds) {
  tbb_backend::TbbExecutor exec(workers, 0);
  struct Proc : core::Schedulable {} a, b;
  const auto t0 = Clock::now();
  exec.launch(b, [&] {
    for (int i = 0; i < rounds; ++i) {
      exec.park(b, std::nullopt);
      exec.wake(a);
    }
  });
  exec.launch(a, [&] {
    for (int i = 0; i < rounds; ++i) {
      exec.wake(b);
      exec.park(a, std::nullopt);
    }
  });
  exec.join();
  std::printf("executor park/wake round trip, workers=%u: %.0f ns\n", workers, secs_since(t0) * 1e9 / rounds);
}

void message_round_trip(unsigned workers, int rounds) {
  auto rt = make_runtime("tbb", RuntimeOptions{.workers = workers});
  double ns = 0;
  rt->run([&](Process& self) {
    const Pid me = self.self();
    const Pid echo = self.spawn_link([me](Process& c) {
      for (;;) c.send(me, c.receive<int>());
    });
    const auto t0 = Clock::now();
    for (int i = 0; i < rounds; ++i) {
      self.send(echo, i);
      self.receive<int>();
    }
    ns = secs_since(t0) * 1e9 / rounds;
  });
  std::printf("message round trip (send, receive, reply, receive), workers=%u: %.0f ns\n", workers, ns);
}

// What one conformance test pays for its runtime: create, run one process
// that does a timed receive (so the timer thread starts), destroy.
void runtime_churn(int rounds) {
  const auto t0 = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    auto rt = make_runtime("tbb");
    rt->run([](Process& self) { self.receive_for<Go>(std::chrono::microseconds(1)); });
  }
  std::printf("runtime create + one process + destroy: %.0f us\n", secs_since(t0) * 1e6 / rounds);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const unsigned workers = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  for (unsigned w : {1u, 2u}) {
    executor_round_trip(w, 200000);
    message_round_trip(w, 200000);
  }
  runtime_churn(1000);
  blocked_receivers(n, workers);
  return 0;
}
