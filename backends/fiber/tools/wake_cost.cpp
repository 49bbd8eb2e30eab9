// Not a test: what a park/wake costs on the fiber backend. Run it once on
// a quiet machine (timings on a shared 2-core box move by tens of percent):
//   fiber_wake_cost [round_trips]
// Round-trip figures are the median of 7 runs; latencies are percentiles
// of single wakes.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <semaphore>
#include <thread>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "actorspec/testing/seam_ping_pong.hpp"
#include "fiber_executor.hpp"

using namespace actorspec;
using fiber_backend::FiberExecutor;
using Clock = std::chrono::steady_clock;

namespace {

struct TestProcess final : core::Schedulable {};

long now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

double median_ns_per_trip(int trips, const std::function<void(int)>& run) {
  std::vector<double> samples;
  for (int k = 0; k < 7; ++k) {
    const auto t0 = Clock::now();
    run(trips);
    samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / trips);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

void print_latencies(const char* what, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  const auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  std::printf("%s: p10 %.1f us, p50 %.1f us, p90 %.1f us, p99 %.1f us\n", what, at(0.1), at(0.5), at(0.9), at(0.99));
}

// Two fibers wake each other through the Executor seam, nothing else.
void seam_ping_pong(unsigned workers, int trips) {
  FiberExecutor ex(workers, 0);
  actorspec::testing::seam_ping_pong(ex, trips);
}

// A plain thread wakes a parked fiber and spins until it has run: the
// cross-thread handoff while the worker is awake.
void thread_wakes_fiber_spinning(int trips) {
  FiberExecutor ex(1, 0);
  TestProcess p;
  std::atomic<int> round{-1};
  ex.launch(p, [&] {
    for (int i = 0; i < trips; ++i) {
      ex.park(p, std::nullopt);
      round.store(i, std::memory_order_release);
    }
  });
  for (int i = 0; i < trips; ++i) {
    ex.wake(p);
    while (round.load(std::memory_order_acquire) != i) {
    }
  }
  ex.join();
}

// From a plain thread's wake to the fiber running, the worker asleep.
std::vector<double> wake_latency_sleeping_worker(int wakes) {
  FiberExecutor ex(1, 0);
  TestProcess p;
  std::atomic<long> ran_at{0};
  std::atomic<int> round{-1};
  ex.launch(p, [&] {
    for (int i = 0; i < wakes; ++i) {
      ex.park(p, std::nullopt);
      ran_at.store(now_ns(), std::memory_order_relaxed);
      round.store(i, std::memory_order_release);
    }
  });
  std::vector<double> us;
  for (int i = 0; i < wakes; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // the worker goes to sleep
    const long t0 = now_ns();
    ex.wake(p);
    while (round.load(std::memory_order_acquire) != i) {
    }
    us.push_back(static_cast<double>(ran_at.load(std::memory_order_relaxed) - t0) / 1000.0);
  }
  ex.join();
  return us;
}

// The same for a plain thread asleep on a semaphore: what an OS wake costs.
std::vector<double> wake_latency_sleeping_thread(int wakes) {
  std::binary_semaphore go{0};
  std::atomic<long> ran_at{0};
  std::atomic<int> round{-1};
  std::thread t([&] {
    for (int i = 0; i < wakes; ++i) {
      go.acquire();
      ran_at.store(now_ns(), std::memory_order_relaxed);
      round.store(i, std::memory_order_release);
    }
  });
  std::vector<double> us;
  for (int i = 0; i < wakes; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    const long t0 = now_ns();
    go.release();
    while (round.load(std::memory_order_acquire) != i) {
    }
    us.push_back(static_cast<double>(ran_at.load(std::memory_order_relaxed) - t0) / 1000.0);
  }
  t.join();
  return us;
}

// The same for a plain thread asleep on a condition variable.
std::vector<double> wake_latency_sleeping_thread_cv(int wakes) {
  std::mutex mu;
  std::condition_variable cv;
  int go = -1;
  std::atomic<long> ran_at{0};
  std::atomic<int> round{-1};
  std::thread t([&] {
    for (int i = 0; i < wakes; ++i) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return go == i; });
      }
      ran_at.store(now_ns(), std::memory_order_relaxed);
      round.store(i, std::memory_order_release);
    }
  });
  std::vector<double> us;
  for (int i = 0; i < wakes; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    const long t0 = now_ns();
    {
      std::lock_guard lock(mu);
      go = i;
    }
    cv.notify_one();
    while (round.load(std::memory_order_acquire) != i) {
    }
    us.push_back(static_cast<double>(ran_at.load(std::memory_order_relaxed) - t0) / 1000.0);
  }
  t.join();
  return us;
}

// Two processes exchange messages through the whole runtime.
void message_ping_pong(const char* backend, unsigned workers, int trips) {
  RuntimeOptions options;
  options.workers = workers;
  auto rt = make_runtime(backend, options);
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

}  // namespace

int main(int argc, char** argv) {
  const int trips = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::printf("round trips per run: %d (median of 7 runs), hardware threads: %u\n", trips,
              std::thread::hardware_concurrency());
  for (unsigned w : {1u, 2u})
    std::printf("seam: fiber <-> fiber park/wake, %u worker(s): %.0f ns per round trip\n", w,
                median_ns_per_trip(trips, [w](int n) { seam_ping_pong(w, n); }));
  std::printf("seam: plain thread wakes a fiber, spins until it ran (worker awake): %.0f ns per round trip\n",
              median_ns_per_trip(trips, [](int n) { thread_wakes_fiber_spinning(n); }));
  print_latencies("wake latency, plain thread -> fiber on a sleeping worker", wake_latency_sleeping_worker(2000));
  print_latencies("wake latency, plain thread -> thread asleep on a std::binary_semaphore",
                  wake_latency_sleeping_thread(2000));
  print_latencies("wake latency, plain thread -> thread asleep on a condition variable",
                  wake_latency_sleeping_thread_cv(2000));
  for (unsigned w : {1u, 2u})
    std::printf("runtime: message ping-pong on fiber, %u worker(s): %.0f ns per round trip\n", w,
                median_ns_per_trip(trips, [w](int n) { message_ping_pong("fiber", w, n); }));
  std::printf("runtime: message ping-pong on thread: %.0f ns per round trip\n",
              median_ns_per_trip(trips, [](int n) { message_ping_pong("thread", 0, n); }));
  return 0;
}
