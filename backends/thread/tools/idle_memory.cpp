// Not a test: where an idle process's resident bytes go on the thread
// backend (perf case memory/idle_process/thread counts only their sum).
// Spawns N processes that park in receive, then compares /proc/self/smaps
// with a snapshot taken before the first spawn, mapping by mapping, and
// prints the growth per process by kind of mapping:
//   thread stacks   the mappings the processes' stacks are in (each
//                   process reports an address on its stack; pthread puts
//                   the thread's TLS and descriptor at the top of it)
//   malloc arenas   anonymous mappings in glibc's 64 MiB per-thread-arena
//                   heaps, and [heap] (the main arena)
//   other           everything else (e.g. a large malloc's own mmap)
// Run by hand:  thread_idle_memory [N]   (default 10000)

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <vector>
#include <cstdint>
#include <sstream>
#include <string>

#include "actorspec/actorspec.hpp"
#include "thread_executor.hpp"

using namespace actorspec;

namespace {

struct Mapping {
  std::size_t size = 0;
  std::size_t rss = 0;
  std::string name;
  bool writable = false;
};

// Start address -> mapping, from /proc/self/smaps.
std::map<unsigned long, Mapping> snapshot() {
  std::map<unsigned long, Mapping> maps;
  std::ifstream in("/proc/self/smaps");
  std::string line;
  Mapping* cur = nullptr;
  while (std::getline(in, line)) {
    unsigned long lo = 0, hi = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s", &lo, &hi, perms) == 3 && line.find(':') > line.find(' ')) {
      cur = &maps[lo];
      cur->size = hi - lo;
      cur->writable = perms[1] == 'w';
      std::istringstream fields(line);
      std::string skip;
      for (int i = 0; i < 5; ++i) fields >> skip;
      std::getline(fields >> std::ws, cur->name);
    } else if (cur && line.rfind("Rss:", 0) == 0) {
      cur->rss = std::strtoul(line.c_str() + 4, nullptr, 10) * 1024;
    }
  }
  return maps;
}

const char* kind_of(unsigned long start, const Mapping& m, const std::set<unsigned long>& stacks) {
  if (m.name == "[heap]") return "malloc arenas";
  if (!m.name.empty()) return "other";
  if (stacks.count(start)) return "thread stacks";
  if (m.writable) return "malloc arenas (or other anonymous)";
  return "other";
}

struct Ready {
  std::uintptr_t on_stack;
};
struct Stop {};

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 10000;
  const std::size_t stack = thread_backend::ThreadExecutor::kDefaultStackSize;
  auto rt = make_runtime("thread");
  rt->run([&](Process& self) {
    const Pid driver = self.self();
    std::vector<Pid> pids;
    pids.reserve(static_cast<std::size_t>(n));
    malloc_trim(0);
    const auto before = snapshot();
    for (long i = 0; i < n; ++i) {
      pids.push_back(self.spawn([driver](Process& p) {
        int local = 0;
        p.send(driver, Ready{reinterpret_cast<std::uintptr_t>(&local)});
        p.receive<Stop>();
      }));
    }
    std::vector<std::uintptr_t> on_stacks;
    for (long i = 0; i < n; ++i) on_stacks.push_back(self.receive<Ready>().on_stack);
    const auto after = snapshot();
    std::set<unsigned long> stacks;  // start addresses of the mappings holding them
    for (std::uintptr_t a : on_stacks) {
      auto it = after.upper_bound(a);
      if (it != after.begin() && a < (--it)->first + it->second.size) stacks.insert(it->first);
    }
    std::map<std::string, long> growth;
    std::map<std::size_t, long> stack_rss_histogram;  // bytes resident in a new stack -> how many
    for (const auto& [start, m] : after) {
      auto it = before.find(start);
      const long was = it == before.end() ? 0 : static_cast<long>(it->second.rss);
      growth[kind_of(start, m, stacks)] += static_cast<long>(m.rss) - was;
      if (stacks.count(start)) ++stack_rss_histogram[m.rss];
    }
    for (const auto& [start, m] : before)
      if (!after.count(start)) growth[kind_of(start, m, stacks)] -= static_cast<long>(m.rss);
    long total = 0;
    std::printf("%ld idle processes on thread, %zu KiB stacks (%zu mappings hold them); RSS growth per process by "
                "mapping kind:\n", n, stack / 1024, stacks.size());
    for (const auto& [kind, bytes] : growth) {
      std::printf("  %-36s %8.0f bytes\n", kind.c_str(), static_cast<double>(bytes) / n);
      total += bytes;
    }
    std::printf("  %-36s %8.0f bytes\n", "total", static_cast<double>(total) / n);
    std::printf("process stacks by resident bytes: ");
    for (const auto& [rss, count] : stack_rss_histogram) std::printf("%zu B x %ld  ", rss, count);
    std::printf("\n");
    for (Pid p : pids) self.send(p, Stop{});
  });
  return 0;
}
