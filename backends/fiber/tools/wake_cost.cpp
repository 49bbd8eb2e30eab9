// Not a test: what a park/wake costs on the fiber backend, as round trips
// per second turned into nanoseconds. Run it once on a quiet machine:
//   fiber_wake_cost [round_trips]
// Each figure is the median of 7 runs.

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
#include "fiber_executor.hpp"

using namespace actorspec;
using fiber_backend::FiberExecutor;
using Clock = std::chrono::steady_clock;

namespace {

struct TestProcess final : core::Schedulable {};

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

// Two fibers wake each other through the Executor seam, nothing else.
void seam_ping_pong(unsigned workers, int trips) {
  FiberExecutor ex(workers, 0);
  TestProcess a, b;
  std::binary_semaphore done{0};
  ex.launch(b, [&] {
    for (int i = 0; i < trips; ++i) {
      ex.park(b, std::nullopt);
      ex.wake(a);
    }
  });
  ex.launch(a, [&] {
    for (int i = 0; i < trips; ++i) {
      ex.wake(b);
      ex.park(a, std::nullopt);
    }
    done.release();
  });
  done.acquire();
  ex.join();
}

// A plain thread wakes a parked fiber, which wakes the thread back.
void thread_fiber_ping_pong(unsigned workers, int trips) {
  FiberExecutor ex(workers, 0);
  TestProcess p;
  std::binary_semaphore back{0};
  ex.launch(p, [&] {
    for (int i = 0; i < trips; ++i) {
      ex.park(p, std::nullopt);
      back.release();
    }
  });
  for (int i = 0; i < trips; ++i) {
    ex.wake(p);
    back.acquire();
  }
  ex.join();
}

// The same with two plain threads: the cost of an OS thread wake.
void thread_thread_ping_pong(int trips) {
  std::binary_semaphore there{0}, back{0};
  std::thread t([&] {
    for (int i = 0; i < trips; ++i) {
      there.acquire();
      back.release();
    }
  });
  for (int i = 0; i < trips; ++i) {
    there.release();
    back.acquire();
  }
  t.join();
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
    std::printf("seam: fiber <-> fiber park/wake, %u worker(s): %8.0f ns per round trip\n", w,
                median_ns_per_trip(trips, [w](int n) { seam_ping_pong(w, n); }));
  for (unsigned w : {1u, 2u})
    std::printf("seam: plain thread -> parked fiber -> thread, %u worker(s): %8.0f ns per round trip\n", w,
                median_ns_per_trip(trips, [w](int n) { thread_fiber_ping_pong(w, n); }));
  std::printf("baseline: thread <-> thread semaphores: %8.0f ns per round trip\n",
              median_ns_per_trip(trips, [](int n) { thread_thread_ping_pong(n); }));
  for (unsigned w : {1u, 2u})
    std::printf("runtime: message ping-pong on fiber, %u worker(s): %8.0f ns per round trip\n", w,
                median_ns_per_trip(trips, [w](int n) { message_ping_pong("fiber", w, n); }));
  std::printf("runtime: message ping-pong on thread: %8.0f ns per round trip\n",
              median_ns_per_trip(trips, [](int n) { message_ping_pong("thread", 0, n); }));
  return 0;
}
