// The Executor contract, checked on the fiber executor alone: a wake before
// park is kept, park reports whether it consumed a wake, timeouts racing
// wakes lose no wake and invent none, current() follows the fiber.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <semaphore>
#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"
#include "fiber_executor.hpp"

using namespace std::chrono_literals;

namespace actorspec::fiber_backend {
namespace {

using conformance::patience;
using Clock = core::Clock;

struct TestProcess final : core::Schedulable {};

// Runs `body` as a fiber of `ex` and waits (on this plain thread) for it.
template <class F>
void run_fiber(FiberExecutor& ex, TestProcess& p, F body) {
  std::binary_semaphore done{0};
  ex.launch(p, [&] {
    body();
    done.release();
  });
  ASSERT_TRUE(done.try_acquire_for(patience())) << "the fiber never finished";
}

TEST(FiberExecutorSeam, wake_before_park_is_kept_once) {
  FiberExecutor ex(2, 0);
  TestProcess p;
  run_fiber(ex, p, [&] {
    ex.wake(p);
    EXPECT_TRUE(ex.park(p, Clock::now() + patience()));
    EXPECT_FALSE(ex.park(p, Clock::now() + 1ms)) << "one wake was consumed twice";
  });
  ex.join();
}

TEST(FiberExecutorSeam, park_times_out_without_a_wake) {
  FiberExecutor ex(2, 0);
  TestProcess p;
  run_fiber(ex, p, [&] {
    const auto start = Clock::now();
    EXPECT_FALSE(ex.park(p, start + 5ms));
    EXPECT_GE(Clock::now() - start, 5ms) << "the timeout fired early";
    EXPECT_FALSE(ex.park(p, Clock::now() - 1s)) << "a deadline in the past";
  });
  ex.join();
}

TEST(FiberExecutorSeam, wake_from_a_plain_thread_resumes_an_untimed_park) {
  FiberExecutor ex(2, 0);
  for (int round = 0; round < 200; ++round) {
    TestProcess p;
    std::binary_semaphore done{0};
    std::atomic<bool> woke{false};
    ex.launch(p, [&] {
      woke = ex.park(p, std::nullopt);
      done.release();
    });
    ex.wake(p);  // before or after the park, depending on the round
    ASSERT_TRUE(done.try_acquire_for(patience()));
    EXPECT_TRUE(woke.load());
  }
  ex.join();
}

// The core's protocol: a waker that clears `waiting` owes one wake; a
// parker whose timed park returned false while `waiting` was already
// cleared takes that wake with an untimed park. Deadlines are a few
// microseconds, so timers and wakes collide all the time; any lost wake
// hangs the untimed park, any invented one breaks the counts.
TEST(FiberExecutorSeam, timeouts_racing_wakes_lose_and_invent_nothing) {
  constexpr int kRounds = 20000;
  FiberExecutor ex(2, 0);
  TestProcess parker, helper;
  std::atomic<bool> waiting{false};
  std::atomic<bool> done{false};
  std::atomic<long> issued{0};
  long consumed = 0, timed_out = 0;

  auto try_wake = [&] {
    if (waiting.load(std::memory_order_relaxed) && waiting.exchange(false)) {
      issued.fetch_add(1);
      ex.wake(parker);
    }
  };
  std::binary_semaphore parker_done{0}, helper_done{0};
  ex.launch(parker, [&] {
    for (int i = 0; i < kRounds; ++i) {
      waiting.store(true);
      if (ex.park(parker, Clock::now() + std::chrono::microseconds(i % 13))) {
        ++consumed;
      } else if (waiting.exchange(false)) {
        ++timed_out;  // a true timeout: nobody owes us a wake
      } else {
        EXPECT_TRUE(ex.park(parker, std::nullopt));
        ++consumed;
      }
    }
    done = true;
    parker_done.release();
  });
  // A second waker that is itself a fiber, on the same pool.
  ex.launch(helper, [&] {
    while (!done.load()) {
      try_wake();
      ex.park(helper, Clock::now() + 1us);  // lets the parker run on this worker too
    }
    helper_done.release();
  });
  std::thread outsider([&] {
    while (!done.load()) try_wake();
  });
  ASSERT_TRUE(parker_done.try_acquire_for(patience() * 6)) << "a wake was lost";
  outsider.join();
  ASSERT_TRUE(helper_done.try_acquire_for(patience()));
  ex.join();
  EXPECT_EQ(consumed, issued.load());
  EXPECT_EQ(consumed + timed_out, kRounds);
  EXPECT_GT(consumed, 0);
}

TEST(FiberExecutorSeam, current_names_the_fiber_wherever_it_runs) {
  constexpr int kFibers = 64, kParks = 200;
  FiberExecutor ex(4, 0);
  EXPECT_EQ(ex.current(), nullptr) << "a plain thread runs no process";
  std::vector<TestProcess> ps(kFibers);
  std::atomic<int> wrong{0}, left{kFibers};
  std::binary_semaphore all_done{0};
  std::atomic<std::thread::id> seen_thread[kFibers];
  std::atomic<int> migrated{0};
  std::atomic<bool> all_launched{false};  // a process can be woken once launched
  for (int i = 0; i < kFibers; ++i) {
    ex.launch(ps[i], [&, i] {
      while (!all_launched.load()) ex.park(ps[i], Clock::now() + 50us);
      seen_thread[i] = std::this_thread::get_id();
      for (int k = 0; k < kParks; ++k) {
        ex.wake(ps[(i + 1) % kFibers]);
        ex.park(ps[i], Clock::now() + 20us);
        if (ex.current() != &ps[i]) ++wrong;
        if (seen_thread[i].exchange(std::this_thread::get_id()) != std::this_thread::get_id()) ++migrated;
      }
      if (--left == 0) all_done.release();
    });
  }
  all_launched = true;
  ASSERT_TRUE(all_done.try_acquire_for(patience()));
  ex.join();
  EXPECT_EQ(wrong.load(), 0);
  // Not a requirement, but the point of the test: fibers did move.
  RecordProperty("migrations", migrated.load());
}

TEST(FiberExecutorSeam, current_is_null_for_another_executors_fiber) {
  FiberExecutor a(1, 0), b(1, 0);
  TestProcess p;
  run_fiber(a, p, [&] {
    EXPECT_EQ(a.current(), &p);
    EXPECT_EQ(b.current(), nullptr);
  });
  a.join();
  b.join();
}

TEST(FiberExecutorSeam, a_fiber_never_runs_on_the_launching_thread) {
  FiberExecutor ex(2, 0);
  EXPECT_EQ(ex.workers(), 2u);
  TestProcess p;
  std::thread::id ran_on;
  run_fiber(ex, p, [&] { ran_on = std::this_thread::get_id(); });
  EXPECT_NE(ran_on, std::this_thread::get_id());
  ex.join();
}

TEST(FiberExecutorSeam, default_pool_is_the_hardware) {
  FiberExecutor ex(0, 0);
  const unsigned hw = std::thread::hardware_concurrency();
  EXPECT_EQ(ex.workers(), hw ? hw : 1u);
  EXPECT_EQ(ex.stack_size(), FiberExecutor::kDefaultStackSize);
  ex.join();
}

TEST(FiberExecutorSeam, stack_size_option_is_honoured) {
  FiberExecutor ex(1, 40000);
  EXPECT_EQ(ex.stack_size(), 40960u) << "rounded up to whole pages";
  ex.join();
}

}  // namespace
}  // namespace actorspec::fiber_backend
