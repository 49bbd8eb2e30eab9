// The runtime on the fiber executor, where fibers make a difference:
// ping-pong across workers, waking from outside the pool, shutdown with
// parked fibers, runtimes made and destroyed in a loop, exceptions that
// stay live across a park that moves the fiber to another thread, and
// idle workers that sleep.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <functional>
#include <memory>
#include <chrono>
#include <semaphore>
#include <stdexcept>
#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;

namespace actorspec::fiber_backend {
namespace {

using conformance::await_exit;
using conformance::expect;
using conformance::patience;
using testing::fiber_runtime;

struct Ready {};

struct Ping {
  Pid from;
  int n;
};

TEST(FiberRuntime, ping_pong_pairs_across_workers) {
  constexpr int kPairs = 8, kRounds = 2000;
  auto rt = fiber_runtime(2);
  const ExitReason r = rt->run([&](Process& self) {
    std::vector<Ref> refs;
    for (int p = 0; p < kPairs; ++p) {
      Pid ponger = self.spawn([](Process& me) {
        for (;;) {
          Ping ping = me.receive<Ping>();
          if (ping.n < 0) return;
          me.send(ping.from, Ping{me.self(), ping.n + 1});
        }
      });
      refs.push_back(self.spawn_monitor([ponger](Process& me) {
                           for (int i = 0; i < kRounds; ++i) {
                             me.send(ponger, Ping{me.self(), 2 * i});
                             Ping back = expect<Ping>(me);
                             if (back.n != 2 * i + 1) me.exit(ExitReason::user("out of order"));
                           }
                           me.send(ponger, Ping{me.self(), -1});
                         }).second);
    }
    for (Ref ref : refs) EXPECT_EQ(conformance::expect_down(self, ref).reason, ExitReason::normal());
  });
  EXPECT_EQ(r, ExitReason::normal());
}

TEST(FiberRuntime, plain_thread_ping_pong_with_a_parked_process) {
  constexpr int kRounds = 5000;
  auto rt = fiber_runtime(2);
  std::binary_semaphore reply{0};
  std::atomic<int> last{-1};
  Pid echo = rt->spawn([&](Process& self) {
    for (;;) {
      const int n = self.receive<int>();
      last = n;
      reply.release();
      if (n == kRounds - 1) return;
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    rt->send(echo, i);
    ASSERT_TRUE(reply.try_acquire_for(patience())) << "round " << i;
    ASSERT_EQ(last.load(), i);
  }
}

TEST(FiberRuntime, shutdown_ends_parked_fibers_timed_and_untimed) {
  for (int round = 0; round < 10; ++round) {
    auto rt = fiber_runtime(2);
    std::atomic<int> started{0};
    for (int i = 0; i < 500; ++i) {
      rt->spawn([&, i](Process& self) {
        ++started;
        if (i % 2)
          self.receive<int>();
        else
          self.receive(on<int>([](int) {}), after(1h, [] {}));
      });
    }
    // Some are parked, some have not run yet; shutdown ends them all.
    rt->shutdown();
    EXPECT_EQ(rt->process_count(), 0u);
  }
}

TEST(FiberRuntime, many_runtimes_one_after_another) {
  // Boost's own work-sharing schedulers keep static state and would not
  // survive this loop (boostorg/fiber#217).
  for (int round = 0; round < 100; ++round) {
    auto rt = fiber_runtime(round % 3 + 1);
    const ExitReason r = rt->run([](Process& self) {
      // A ring of five that passes a token round twice.
      Pid next = self.self();
      for (int i = 0; i < 5; ++i)
        next = self.spawn_link([next](Process& me) {
          for (int k = 0; k < 2; ++k) me.send(next, me.receive<int>() + 1);
        });
      self.send(next, 0);
      EXPECT_EQ(self.receive<int>(), 5);
      self.send(next, 5);
      EXPECT_EQ(self.receive<int>(), 10);
    });
    EXPECT_EQ(r, ExitReason::normal());
  }
}

// A process that parks inside a catch block, or in a destructor while an
// exception unwinds its stack, may resume on another worker thread. The
// C++ runtime keeps "exceptions being handled" per thread; the fiber
// backend carries that state along. Without it `throw;` and
// std::uncaught_exceptions() would read another thread's state here.
TEST(FiberRuntime, exceptions_stay_live_across_a_park_that_migrates) {
  constexpr int kProcs = 32, kRounds = 50;
  auto rt = fiber_runtime(4);
  std::atomic<int> rethrown{0}, unwinding_seen{0}, bad{0};
  const ExitReason r = rt->run([&](Process& self) {
    const Pid parent = self.self();
    std::vector<Pid> procs;
    std::vector<Ref> refs;
    for (int p = 0; p < kProcs; ++p) {
      auto [pid, ref] = self.spawn_monitor([&, parent, p](Process& me) {
        // Tells the parent we are about to wait, then waits: the parent
        // answers only when all are waiting, so the receive really parks.
        auto wait_for_parent = [&] {
          me.send(parent, Ready{});
          me.receive<int>();
        };
        for (int k = 0; k < kRounds; ++k) {
          try {
            throw std::runtime_error("round " + std::to_string(k));
          } catch (const std::runtime_error& e) {
            wait_for_parent();
            try {
              throw;  // rethrows the exception this catch is handling
            } catch (const std::runtime_error& again) {
              if (&again != &e) ++bad;
              ++rethrown;
            }
          }
          if (std::uncaught_exceptions() != 0) ++bad;
          try {
            struct ParksWhileUnwinding {
              std::function<void()> wait;
              std::atomic<int>& seen;
              std::atomic<int>& bad;
              ~ParksWhileUnwinding() {
                if (std::uncaught_exceptions() != 1) ++bad;
                wait();
                if (std::uncaught_exceptions() != 1) ++bad;
                ++seen;
              }
            } guard{wait_for_parent, unwinding_seen, bad};
            throw p;
          } catch (int) {
          }
          if (std::uncaught_exceptions() != 0) ++bad;
        }
      });
      procs.push_back(pid);
      refs.push_back(ref);
    }
    for (int k = 0; k < 2 * kRounds; ++k) {
      for (int i = 0; i < kProcs; ++i) expect<Ready>(self);
      for (Pid pid : procs) self.send(pid, k);
    }
    for (Ref ref : refs) EXPECT_EQ(conformance::expect_down(self, ref).reason, ExitReason::normal());
  });
  EXPECT_EQ(r, ExitReason::normal());
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(rethrown.load(), kProcs * kRounds);
  EXPECT_EQ(unwinding_seen.load(), kProcs * kRounds);
}

// C++ cannot preempt a process busy in its own code, so it holds its
// worker. It must hold nothing else: a parked process is woken (or timed
// out) on any worker, never only on the one it last ran on.
TEST(FiberRuntime, a_busy_process_delays_no_other_wake_or_timeout) {
  for (int round = 0; round < 50; ++round) {
    auto rt = fiber_runtime(2);
    std::atomic<bool> release_busy{false}, busy_running{false};
    std::binary_semaphore woke{0}, timed_out{0};
    const Pid sleeper = rt->spawn([&](Process& self) {
      self.receive<int>();
      woke.release();
      if (!self.receive_for<int>(std::chrono::milliseconds(2))) timed_out.release();
    });
    rt->spawn([&](Process&) {
      busy_running = true;
      while (!release_busy.load()) {
      }
    });
    while (!busy_running.load()) std::this_thread::yield();
    rt->send(sleeper, 1);
    const bool got_wake = woke.try_acquire_for(patience());
    const bool got_timeout = got_wake && timed_out.try_acquire_for(patience());
    release_busy = true;
    ASSERT_TRUE(got_wake) << "round " << round << ": the wake waited for the busy worker";
    ASSERT_TRUE(got_timeout) << "round " << round << ": the timeout waited for the busy worker";
  }
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Idle workers sleep on a condition variable: a pool whose processes all
// wait (some with far deadlines) burns next to no CPU. A spinning pool
// would use one core per worker. This measures, it does not synchronise.
// A process a running one wakes (or spawns) waits in that worker's run-next
// slot until the waker switches away. A waker that runs on instead, busy in
// its own code (C++ cannot preempt it), must not keep it there for good: an
// idle worker takes it. Without that this test spins out its patience.
TEST(FiberRuntime, a_process_woken_by_one_that_runs_on_is_run_by_another_worker) {
  auto rt = fiber_runtime(2);
  auto woken_ran = std::make_shared<std::atomic<bool>>(false);
  bool ran_while_busy = false;
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    const Pid waiter = self.spawn([me, woken_ran](Process& w) {
      w.send(me, Ready{});
      w.receive<int>();  // parked here before its Ready wakes us
      woken_ran->store(true);
    });
    expect<Ready>(self);
    self.send(waiter, 1);  // wakes it into this worker's slot...
    // ... and runs on without a runtime call.
    const auto deadline = std::chrono::steady_clock::now() + patience();
    while (!woken_ran->load() && std::chrono::steady_clock::now() < deadline) {
    }
    ran_while_busy = woken_ran->load();
  });
  ASSERT_EQ(r, ExitReason::normal());
  EXPECT_TRUE(ran_while_busy) << "the woken process waited for its busy waker";
}

TEST(FiberRuntime, idle_workers_sleep) {
  constexpr int kWaiting = 100;
  auto rt = fiber_runtime(2);
  std::vector<Pid> waiting;
  const ExitReason r = rt->run([&](Process& self) {
    const Pid parent = self.self();
    for (int i = 0; i < kWaiting; ++i)
      waiting.push_back(self.spawn([parent, i](Process& me) {
        me.send(parent, Ready{});
        if (i % 2)
          me.receive<int>();
        else
          me.receive(on<int>([](int) {}), after(1h, [] {}));
      }));
    for (int i = 0; i < kWaiting; ++i) expect<Ready>(self);
  });
  ASSERT_EQ(r, ExitReason::normal());
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  std::this_thread::sleep_for(300ms);
  const double cpu = cpu_seconds() - cpu_start;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  EXPECT_LT(cpu, 0.25 * wall) << "idle workers used " << cpu << " s of CPU in " << wall << " s";
  for (Pid p : waiting) rt->send(p, 1);
}

}  // namespace
}  // namespace actorspec::fiber_backend
