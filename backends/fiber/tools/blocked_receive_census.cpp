// Not a test: parks N processes in receive at once (default 100,000) on the
// fiber backend, reports peak memory and bytes per parked process from
// /proc/self/status, then releases them all and shuts down.
//   blocked_receive_census [processes] [workers] [stack_size]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <malloc.h>
#include <string>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "actorspec/core/core_runtime.hpp"
#include "fiber_executor.hpp"

using namespace actorspec;
using Clock = std::chrono::steady_clock;

namespace {

// kB from a /proc/self/status line such as "VmRSS:    1234 kB".
long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string k = std::string(key) + ":";
  while (std::getline(in, line))
    if (line.rfind(k, 0) == 0) return std::atol(line.c_str() + k.size());
  return -1;
}

long map_count() {
  std::ifstream in("/proc/self/maps");
  long n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// Bytes the C heap has handed out and not taken back (glibc).
long heap_in_use() { return static_cast<long>(mallinfo2().uordblks); }

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Waiting {};
struct Release {};

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const unsigned workers = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  const std::size_t stack = argc > 3 ? static_cast<std::size_t>(std::atol(argv[3])) : 0;

  auto executor = std::make_unique<fiber_backend::FiberExecutor>(workers, stack);
  const std::size_t stack_size = executor->stack_size();
  auto rt = core::make_runtime("fiber", std::move(executor));
  const long rss_before = status_kb("VmRSS");
  const long heap_before = heap_in_use();
  const long maps_before = map_count();
  std::printf("processes=%d workers=%u stack_size=%zu\n", n, rt->workers(), stack_size);
  std::printf("before: VmRSS=%ld kB VmHWM=%ld kB maps=%ld\n", rss_before, status_kb("VmHWM"), maps_before);

  long rss_parked = 0, maps_parked = 0, heap_parked = 0;
  const auto t0 = Clock::now();
  const ExitReason r = rt->run([&](Process& self) {
    const Pid parent = self.self();
    std::vector<Pid> children;
    children.reserve(n);
    for (int i = 0; i < n; ++i)
      children.push_back(self.spawn([parent](Process& me) {
        me.send(parent, Waiting{});
        me.receive<Release>();
      }));
    std::printf("spawned in %.0f ms\n", ms_since(t0));
    const auto t1 = Clock::now();
    for (int i = 0; i < n; ++i) self.receive<Waiting>();
    std::printf("all %d waiting after %.0f ms more; process_count=%zu\n", n, ms_since(t1),
                self.runtime().process_count());
    rss_parked = status_kb("VmRSS");
    heap_parked = heap_in_use();
    maps_parked = map_count();
    const auto t2 = Clock::now();
    for (Pid c : children) self.send(c, Release{});
    std::printf("released in %.0f ms\n", ms_since(t2));
  });
  const auto t3 = Clock::now();
  rt->shutdown();
  std::printf("exit=%s; ended and shut down in %.0f ms; process_count=%zu\n", r.to_string().c_str(), ms_since(t3),
              rt->process_count());
  std::printf("parked: VmRSS=%ld kB VmHWM=%ld kB maps=%ld\n", rss_parked, status_kb("VmHWM"), maps_parked);
  std::printf("bytes per parked process (VmRSS delta / n): %.0f\n",
              static_cast<double>(rss_parked - rss_before) * 1024.0 / n);
  std::printf("of which C heap per parked process: %.0f bytes (the rest: stack pages, %zu-byte stacks)\n",
              static_cast<double>(heap_parked - heap_before) / n, stack_size);
  rt.reset();
  std::printf("after runtime destroyed: VmRSS=%ld kB\n", status_kb("VmRSS"));
  return r.is_normal() ? 0 : 1;
}
