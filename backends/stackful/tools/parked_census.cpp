// A stress run, not a test (scripts/stress-parked runs it): N processes
// (default 1,000,000) parked in receive at once on one backend, then all
// told to end; every one must end normally (its Down seen exactly once).
// Prints the resident memory with all N parked, per process, and the peak
// (getrusage); exits non-zero if any process is missing or ended otherwise.
//   actorspec_parked_census --backend fiber [--processes 1000000]

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"

namespace {

using namespace actorspec;
using Clock = std::chrono::steady_clock;

struct Ready {};
struct Stop {};

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

long peak_resident_bytes() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss * 1024L;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string backend;
  long n = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--backend")) backend = argv[i + 1];
    else if (!std::strcmp(argv[i], "--processes")) n = std::atol(argv[i + 1]);
  }
  if (backend.empty() || n <= 0) {
    std::fprintf(stderr, "usage: %s --backend NAME [--processes N]\n", argv[0]);
    return 2;
  }
  auto rt = make_runtime(backend);
  const long before = resident_bytes();
  long parked_rss = 0, normal = 0, other = 0;
  double spawn_s = 0, end_s = 0;
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    std::vector<Pid> pids;
    pids.reserve(static_cast<std::size_t>(n));
    const auto t0 = Clock::now();
    for (long i = 0; i < n; ++i) {
      pids.push_back(self.spawn_monitor([me](Process& p) {
                           p.send(me, Ready{});
                           p.receive<Stop>();
                         }).first);
    }
    for (long i = 0; i < n; ++i) self.receive<Ready>();
    spawn_s = seconds_since(t0);
    parked_rss = resident_bytes();  // every process has reported in and waits for Stop
    const auto t1 = Clock::now();
    for (const Pid p : pids) self.send(p, Stop{});
    for (long i = 0; i < n; ++i) {
      if (self.receive<Down>().reason == ExitReason::normal()) ++normal;
      else ++other;
    }
    end_s = seconds_since(t1);
  });
  rt.reset();  // shutdown: must complete with nothing left
  const bool ok = r == ExitReason::normal() && normal == n && other == 0;
  std::printf(
      "%s: %ld processes parked in receive at once; spawn-to-all-parked %.2f s; RSS %.1f MiB before, %.1f MiB "
      "with all parked (%.0f bytes per process, pid table and monitors included); ended: %ld normal, %ld "
      "otherwise, in %.2f s; peak RSS %.1f MiB; %s\n",
      backend.c_str(), n, spawn_s, before / 1048576.0, parked_rss / 1048576.0,
      static_cast<double>(parked_rss - before) / static_cast<double>(n), normal, other, end_s,
      peak_resident_bytes() / 1048576.0, ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
