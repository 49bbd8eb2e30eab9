// Measures the two ways a process can park without holding a TBB worker, so
// the choice in backends/tbb/README.md rests on figures from this machine:
//   suspend: oneTBB resumable tasks (tbb::task::suspend / tbb::task::resume)
//   fiber:   a Boost.Context fiber per process on a pooled stack, resumed
//            by an ordinary task enqueued into the arena
// Both use the same permit protocol as the executor (a wake before park is
// kept). Not a test and not in CTest: run it by hand.
//
//   park_mechanisms roundtrip <suspend|fiber> [round_trips] [workers]
//   park_mechanisms parked    <suspend|fiber> <count> [tbb_stack_bytes] [forward|reverse|shuffle]
//
// `parked` parks <count> processes at once, prints RSS and mapping counts,
// then wakes them all from the main thread, in the given order (default
// forward: the order they parked in), and waits for them to end. It prints progress lines so
// a caller can see how far it got when it dies (mmap failure, map count).

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task.h>
#include <oneapi/tbb/task_arena.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <boost/context/fiber.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ctx = boost::context;
using Clock = std::chrono::steady_clock;

namespace {

enum : int { kRunning, kNotified, kParked };

long rss_kib() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  f >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long map_count() {
  std::ifstream f("/proc/self/maps");
  long n = 0;
  for (std::string line; std::getline(f, line);) ++n;
  return n;
}

// ---------------------------------------------------------------- suspend
struct SuspendProc {
  std::atomic<int> state{kRunning};
  tbb::task::suspend_point sp{};

  void park() {
    int expected = kNotified;
    if (state.compare_exchange_strong(expected, kRunning)) return;
    tbb::task::suspend([this](tbb::task::suspend_point p) {
      sp = p;
      int running = kRunning;
      if (!state.compare_exchange_strong(running, kParked)) {
        state.store(kRunning);  // a wake came while we were suspending
        tbb::task::resume(p);
      }
    });
  }
  void wake() {
    int s = state.load();
    for (;;) {
      if (s == kParked) {
        if (state.compare_exchange_weak(s, kRunning)) return tbb::task::resume(sp);
      } else if (s == kRunning) {
        if (state.compare_exchange_weak(s, kNotified)) return;
      } else {
        return;
      }
    }
  }
};

// ---------------------------------------------------------------- fiber
// Stacks carved from one growing list of mmaps and recycled: no mapping per
// process, so the map count does not grow with parked processes.
class StackPool {
 public:
  explicit StackPool(std::size_t size) : size_(size) {}
  ~StackPool() {
    for (auto& [p, n] : chunks_) munmap(p, n);
  }
  ctx::stack_context allocate() {
    std::lock_guard lock(mu_);
    if (free_.empty()) grow();
    void* base = free_.back();
    free_.pop_back();
    ctx::stack_context sc;
    sc.size = size_;
    sc.sp = static_cast<char*>(base) + size_;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) {
    std::lock_guard lock(mu_);
    free_.push_back(static_cast<char*>(sc.sp) - sc.size);
  }

 private:
  void grow() {
    const std::size_t per_chunk = 64;
    const std::size_t bytes = per_chunk * size_;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    chunks_.emplace_back(p, bytes);
    for (std::size_t i = 0; i < per_chunk; ++i) free_.push_back(static_cast<char*>(p) + i * size_);
  }
  const std::size_t size_;
  std::mutex mu_;
  std::vector<void*> free_;
  std::vector<std::pair<void*, std::size_t>> chunks_;
};

struct PoolRef {
  StackPool* pool;
  ctx::stack_context allocate() { return pool->allocate(); }
  void deallocate(ctx::stack_context& sc) noexcept { pool->deallocate(sc); }
};

struct FiberProc {
  std::atomic<int> state{kRunning};
  ctx::fiber self;    // this process while it is not running
  ctx::fiber caller;  // the worker that runs it, while it runs
  tbb::task_arena* arena = nullptr;
  std::atomic<int>* finished = nullptr;

  void run_slice() {
    for (;;) {
      self = std::move(self).resume();
      if (!self) {
        finished->fetch_add(1);
        return;
      }
      int running = kRunning;
      if (state.compare_exchange_strong(running, kParked)) return;
      state.store(kRunning);  // a wake came while we were switching out
    }
  }
  void schedule() {
    arena->enqueue([this] { run_slice(); });
  }
  void park() {
    int expected = kNotified;
    if (state.compare_exchange_strong(expected, kRunning)) return;
    caller = std::move(caller).resume();
  }
  void wake() {
    int s = state.load();
    for (;;) {
      if (s == kParked) {
        if (state.compare_exchange_weak(s, kRunning)) return schedule();
      } else if (s == kRunning) {
        if (state.compare_exchange_weak(s, kNotified)) return;
      } else {
        return;
      }
    }
  }
};

constexpr std::size_t kFiberStack = 128 * 1024;

template <class Body>
void start_fiber(FiberProc& p, StackPool& pool, Body body) {
  p.self = ctx::fiber(std::allocator_arg, PoolRef{&pool}, [&p, body](ctx::fiber&& c) mutable {
    p.caller = std::move(c);
    body(p);
    return std::move(p.caller);
  });
  p.schedule();
}

// Waits for n to reach target; gives up (and says so) after 30 s without
// progress, so a stall is reported instead of hanging the run.
void wait_for(const std::atomic<int>& n, int target) {
  int last = n.load();
  auto last_change = Clock::now();
  while (n.load() < target) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    const int now = n.load();
    if (now != last) {
      last = now;
      last_change = Clock::now();
    } else if (Clock::now() - last_change > std::chrono::seconds(30)) {
      std::printf("STALLED at %d of %d\n", now, target);
      std::fflush(stdout);
      std::_Exit(3);
    }
  }
}

// ---------------------------------------------------------------- roundtrip
double roundtrip_ns(const std::string& mech, int n, unsigned workers) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, workers + 1);
  tbb::task_arena arena(static_cast<int>(workers), 0);
  std::atomic<int> finished{0};
  Clock::time_point start;
  if (mech == "suspend") {
    SuspendProc a, b;
    start = Clock::now();
    arena.enqueue([&] {
      for (int i = 0; i < n; ++i) {
        b.wake();
        a.park();
      }
      finished.fetch_add(1);
    });
    arena.enqueue([&] {
      for (int i = 0; i < n; ++i) {
        b.park();
        a.wake();
      }
      finished.fetch_add(1);
    });
    wait_for(finished, 2);
  } else {
    StackPool pool(kFiberStack);
    FiberProc a, b;
    a.arena = b.arena = &arena;
    a.finished = b.finished = &finished;
    start = Clock::now();
    start_fiber(a, pool, [&](FiberProc& self) {
      for (int i = 0; i < n; ++i) {
        b.wake();
        self.park();
      }
    });
    start_fiber(b, pool, [&](FiberProc& self) {
      for (int i = 0; i < n; ++i) {
        self.park();
        a.wake();
      }
    });
    wait_for(finished, 2);
  }
  const auto elapsed = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  return elapsed / n;
}

// ---------------------------------------------------------------- parked
template <class Proc>
void wake_all(std::vector<Proc>& procs, const std::string& order) {
  std::vector<std::size_t> idx(procs.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  if (order == "reverse") std::reverse(idx.begin(), idx.end());
  if (order == "shuffle") std::shuffle(idx.begin(), idx.end(), std::mt19937(1));
  for (std::size_t i : idx) procs[i].wake();
}

int parked(const std::string& mech, int count, std::size_t tbb_stack, const std::string& order) {
  const unsigned workers = std::thread::hardware_concurrency();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, workers + 1);
  std::unique_ptr<tbb::global_control> stack_gc;
  if (tbb_stack) stack_gc = std::make_unique<tbb::global_control>(tbb::global_control::thread_stack_size, tbb_stack);
  tbb::task_arena arena(static_cast<int>(workers), 0);
  arena.initialize();
  // Warm the arena so worker stacks are not counted as per-process cost.
  std::atomic<int> warm{0};
  for (unsigned i = 0; i < workers; ++i) arena.enqueue([&] { warm.fetch_add(1); });
  wait_for(warm, static_cast<int>(workers));

  std::atomic<int> parked_now{0}, finished{0};
  const long rss0 = rss_kib(), maps0 = map_count();
  std::printf("before rss_kib=%ld maps=%ld\n", rss0, maps0);
  std::fflush(stdout);
  const auto t0 = Clock::now();
  auto report = [&](const char* what) {
    const long rss = rss_kib(), maps = map_count();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("%s parked=%d rss_kib=%ld maps=%ld bytes_per_process=%.0f maps_per_process=%.2f secs=%.2f\n", what,
                parked_now.load(), rss, maps, (rss - rss0) * 1024.0 / std::max(1, parked_now.load()),
                double(maps - maps0) / std::max(1, parked_now.load()), secs);
    std::fflush(stdout);
  };
  if (mech == "suspend") {
    std::vector<SuspendProc> procs(count);
    for (int i = 0; i < count; ++i) {
      arena.enqueue([&, i] {
        parked_now.fetch_add(1);
        procs[i].park();
        finished.fetch_add(1);
      });
      if ((i + 1) % 10000 == 0) {
        wait_for(parked_now, i + 1);
        report("progress");
      }
    }
    wait_for(parked_now, count);
    // parked_now counts entries; wait until each really is suspended.
    for (auto& p : procs)
      while (p.state.load() != kParked) std::this_thread::yield();
    report("all");
    const auto w0 = Clock::now();
    wake_all(procs, order);
    wait_for(finished, count);
    std::printf("woke_all secs=%.2f\n", std::chrono::duration<double>(Clock::now() - w0).count());
  } else {
    StackPool pool(kFiberStack);
    std::vector<FiberProc> procs(count);
    for (int i = 0; i < count; ++i) {
      procs[i].arena = &arena;
      procs[i].finished = &finished;
      start_fiber(procs[i], pool, [&](FiberProc& self) {
        parked_now.fetch_add(1);
        self.park();
      });
      if ((i + 1) % 10000 == 0) {
        wait_for(parked_now, i + 1);
        report("progress");
      }
    }
    wait_for(parked_now, count);
    for (auto& p : procs)
      while (p.state.load() != kParked) std::this_thread::yield();
    report("all");
    const auto w0 = Clock::now();
    wake_all(procs, order);
    wait_for(finished, count);
    std::printf("woke_all secs=%.2f\n", std::chrono::duration<double>(Clock::now() - w0).count());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s roundtrip|parked suspend|fiber [n] [workers|tbb_stack]\n", argv[0]);
    return 2;
  }
  const std::string what = argv[1], mech = argv[2];
  if (what == "roundtrip") {
    const int n = argc > 3 ? std::atoi(argv[3]) : 200000;
    const unsigned workers = argc > 4 ? std::atoi(argv[4]) : std::thread::hardware_concurrency();
    std::printf("%s roundtrip workers=%u ns_per_round_trip=%.0f\n", mech.c_str(), workers, roundtrip_ns(mech, n, workers));
    return 0;
  }
  if (what == "parked") {
    const int n = argc > 3 ? std::atoi(argv[3]) : 10000;
    const std::size_t stack = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0;
    const std::string order = argc > 5 ? argv[5] : "forward";
    return parked(mech, n, stack, order);
  }
  return 2;
}
