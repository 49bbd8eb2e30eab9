// Not a test: what a park/wake and a spawn cost on the thread backend,
// beside the bare OS primitives they are built on, so the backend's figures
// have a floor to be compared with. Run it by hand (timings on a shared
// 2-core box move by tens of percent; compare figures from one sitting):
//   thread_wake_cost [round_trips]
// Every figure is the median of 7 runs.

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <semaphore>
#include <thread>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "actorspec/testing/seam_ping_pong.hpp"
#include "futex_permit.hpp"
#include "thread_executor.hpp"

using namespace actorspec;
using thread_backend::FutexPermit;
using thread_backend::ThreadExecutor;
using Clock = std::chrono::steady_clock;

namespace {

struct TestProcess final : core::Schedulable {};

double median_ns_per_op(int ops, const std::function<void(int)>& run) {
  std::vector<double> samples;
  for (int k = 0; k < 7; ++k) {
    const auto t0 = Clock::now();
    run(ops);
    samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / ops);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

// Two threads hand a turn back and forth with std::atomic::wait/notify_one
// (libstdc++ 12: a short spin, then a futex).
void atomic_wait_ping_pong(int trips) {
  std::atomic<int> turn{0};
  std::thread b([&] {
    for (int i = 0; i < trips; ++i) {
      turn.wait(0, std::memory_order_acquire);
      turn.store(0, std::memory_order_release);
      turn.notify_one();
    }
  });
  for (int i = 0; i < trips; ++i) {
    turn.store(1, std::memory_order_release);
    turn.notify_one();
    turn.wait(1, std::memory_order_acquire);
  }
  b.join();
}

long futex(std::atomic<int>& word, int op, int val) {
  return syscall(SYS_futex, reinterpret_cast<int*>(&word), op, val, nullptr, nullptr, 0);
}

// The same with a bare futex and no spin: each side sleeps in FUTEX_WAIT and
// is woken by a FUTEX_WAKE, two of each per round trip.
void futex_ping_pong(int trips) {
  std::atomic<int> turn{0};
  std::thread b([&] {
    for (int i = 0; i < trips; ++i) {
      while (turn.load(std::memory_order_acquire) == 0) futex(turn, FUTEX_WAIT_PRIVATE, 0);
      turn.store(0, std::memory_order_release);
      futex(turn, FUTEX_WAKE_PRIVATE, 1);
    }
  });
  for (int i = 0; i < trips; ++i) {
    turn.store(1, std::memory_order_release);
    futex(turn, FUTEX_WAKE_PRIVATE, 1);
    while (turn.load(std::memory_order_acquire) == 1) futex(turn, FUTEX_WAIT_PRIVATE, 1);
  }
  b.join();
}

// Pure spinning on a shared word: the cache-line handoff, no system call.
void spin_ping_pong(int trips) {
  std::atomic<int> turn{0};
  std::thread b([&] {
    for (int i = 0; i < trips; ++i) {
      while (turn.load(std::memory_order_acquire) == 0) {
      }
      turn.store(0, std::memory_order_release);
    }
  });
  for (int i = 0; i < trips; ++i) {
    turn.store(1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) == 1) {
    }
  }
  b.join();
}

// Two plain threads with one FutexPermit each: the backend's park word.
void permit_ping_pong(int trips) {
  FutexPermit a, b;
  std::thread t([&] {
    for (int i = 0; i < trips; ++i) {
      b.acquire(std::nullopt);
      a.release();
    }
  });
  for (int i = 0; i < trips; ++i) {
    b.release();
    a.acquire(std::nullopt);
  }
  t.join();
}

// Two processes of a ThreadExecutor wake each other through the Executor
// seam, nothing else: the backend's share of a message round trip.
void seam_ping_pong(int trips) {
  ThreadExecutor ex(0);
  actorspec::testing::seam_ping_pong(ex, trips);
}

// Two processes exchange messages through the whole runtime.
void message_ping_pong(int trips) {
  auto rt = make_runtime("thread");
  rt->run([trips](Process& self) {
    Pid echo = self.spawn([](Process& me) {
      for (;;) {
        auto [from, n] = me.receive<std::pair<Pid, int>>();
        me.send(from, n);
        if (n < 0) return;
      }
    });
    for (int i = 0; i < trips; ++i) {
      self.send(echo, std::pair<Pid, int>{self.self(), i});
      self.receive<int>();
    }
    self.send(echo, std::pair<Pid, int>{self.self(), -1});
    self.receive<int>();
  });
}

// pthread_create + pthread_join of an empty thread with the backend's
// default stack size: the OS's share of a spawn, one at a time.
void bare_thread_spawn(int n) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, ThreadExecutor::kDefaultStackSize);
  for (int i = 0; i < n; ++i) {
    pthread_t t;
    if (pthread_create(&t, &attr, [](void*) -> void* { return nullptr; }, nullptr) != 0) std::abort();
    pthread_join(t, nullptr);
  }
  pthread_attr_destroy(&attr);
}

// launch of an empty entry through the seam until it has returned, one at a time.
void seam_spawn(int n) {
  ThreadExecutor ex(0);
  std::vector<TestProcess> procs(static_cast<std::size_t>(n));
  std::binary_semaphore ended{0};
  for (auto& p : procs) {
    ex.launch(p, [&] { ended.release(); });
    ended.acquire();
  }
  ex.join();
}

// spawn_monitor of an empty body until its Down, through the whole runtime.
void runtime_spawn_latency(int n) {
  auto rt = make_runtime("thread");
  rt->run([n](Process& self) {
    for (int i = 0; i < n; ++i) {
      self.spawn_monitor([](Process&) {});
      self.receive<Down>();
    }
  });
}

// N spawn_monitors back to back, then every Down.
void runtime_spawn_throughput(int n) {
  auto rt = make_runtime("thread");
  rt->run([n](Process& self) {
    for (int i = 0; i < n; ++i) self.spawn_monitor([](Process&) {});
    for (int i = 0; i < n; ++i) self.receive<Down>();
  });
}

}  // namespace

int main(int argc, char** argv) {
  const int trips = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int spawns = std::max(trips / 10, 100);
  std::printf("round trips per run: %d, spawns per run: %d (median of 7 runs), hardware threads: %u\n", trips, spawns,
              std::thread::hardware_concurrency());
  // The permit spins only while the machine has no more runnable threads
  // than CPUs: say which regime the figures below were taken in.
  std::printf("the permit may spin at start (ACTORSPEC_THREAD_SPIN=%s; no spin while the machine is oversubscribed): %s\n",
              std::getenv("ACTORSPEC_THREAD_SPIN") ? std::getenv("ACTORSPEC_THREAD_SPIN") : "", thread_backend::SpinGate::may_spin() ? "yes" : "no");
  std::printf("bare: two threads, spin on an atomic (no syscall): %.0f ns per round trip\n",
              median_ns_per_op(trips, spin_ping_pong));
  std::printf("bare: two threads, std::atomic wait/notify_one: %.0f ns per round trip\n",
              median_ns_per_op(trips, atomic_wait_ping_pong));
  std::printf("bare: two threads, futex wait/wake, no spin: %.0f ns per round trip\n",
              median_ns_per_op(trips, futex_ping_pong));
  std::printf("permit: two threads, FutexPermit acquire/release: %.0f ns per round trip\n",
              median_ns_per_op(trips, permit_ping_pong));
  std::printf("seam: two processes, ThreadExecutor park/wake: %.0f ns per round trip\n",
              median_ns_per_op(trips, seam_ping_pong));
  std::printf("runtime: message ping-pong on thread: %.0f ns per round trip\n",
              median_ns_per_op(trips, message_ping_pong));
  std::printf("bare: pthread_create + join, %zu KiB stack: %.0f ns per thread\n",
              ThreadExecutor::kDefaultStackSize / 1024, median_ns_per_op(spawns, bare_thread_spawn));
  std::printf("seam: launch of an empty entry until it returned: %.0f ns per process\n",
              median_ns_per_op(spawns, seam_spawn));
  std::printf("runtime: spawn_monitor until Down, one at a time: %.0f ns per process\n",
              median_ns_per_op(spawns, runtime_spawn_latency));
  std::printf("runtime: spawn_monitor x N, then N Downs: %.0f ns per process\n",
              median_ns_per_op(spawns, runtime_spawn_throughput));
  std::printf("the permit may spin at end: %s\n", thread_backend::SpinGate::may_spin() ? "yes" : "no");
  return 0;
}
