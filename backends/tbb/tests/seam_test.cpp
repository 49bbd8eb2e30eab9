// The tbb backend at the Executor seam: park/wake/timeout races, current()
// across workers, exception state across switches, shutdown with parked
// processes, runtime churn. Uses the executor directly where the core would
// hide a race, and the public API where the whole path matters.

#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "tbb_executor.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;

namespace actorspec::tbb_backend {
namespace {

using core::Clock;
using testing::patience;
using testing::scaled;

struct Proc : core::Schedulable {};

// Launches entry on p; the test owns p and keeps it past join().
void launch(TbbExecutor& exec, Proc& p, std::function<void()> entry) { exec.launch(p, std::move(entry)); }

TEST(TbbSeam, ping_pong_across_workers_loses_no_wake) {
  TbbExecutor exec(2, 0);
  Proc a, b;
  constexpr int kRounds = 20000;
  std::atomic<int> a_true{0}, b_true{0};
  std::atomic<bool> identity_ok{true};
  launch(exec, b, [&] {
    for (int i = 0; i < kRounds; ++i) {
      // Bounded, so a lost wake fails the test instead of hanging it.
      if (exec.park(b, Clock::now() + patience())) b_true.fetch_add(1);
      if (exec.current() != &b) identity_ok = false;
      exec.wake(a);
    }
  });
  launch(exec, a, [&] {
    for (int i = 0; i < kRounds; ++i) {
      exec.wake(b);
      if (exec.park(a, Clock::now() + patience())) a_true.fetch_add(1);
      if (exec.current() != &a) identity_ok = false;
    }
  });
  exec.join();
  EXPECT_EQ(a_true.load(), kRounds);
  EXPECT_EQ(b_true.load(), kRounds);
  EXPECT_TRUE(identity_ok.load()) << "current() named the wrong process after a park";
}

TEST(TbbSeam, wake_before_park_is_kept_and_consumed_once) {
  TbbExecutor exec(1, 0);
  Proc p;
  std::atomic<int> first{-1}, second{-1};
  launch(exec, p, [&] {
    first = exec.park(p, Clock::now() + patience());
    // The one wake was taken: this park must time out.
    second = exec.park(p, Clock::now() + scaled(5ms));
  });
  exec.wake(p);  // before or after the first park: either way it counts
  exec.join();
  EXPECT_EQ(first.load(), 1);
  EXPECT_EQ(second.load(), 0);
}

// The core's protocol (ProcessState::receive_matching): the process raises
// `waiting` before it parks; whoever lowers it owes exactly one wake. A
// timed-out park that finds `waiting` already lowered must take the wake in
// flight. Wakers here are plain threads outside the arena.
TEST(TbbSeam, timeouts_race_wakes_from_outside_threads) {
  constexpr int kProcs = 32;
  constexpr int kRounds = 300;
  TbbExecutor exec(2, 0);
  std::vector<Proc> procs(kProcs);
  std::vector<std::atomic<bool>> waiting(kProcs);
  std::atomic<long> woken{0}, wakes_sent{0}, early{0};
  std::atomic<int> done{0};
  for (int i = 0; i < kProcs; ++i) {
    launch(exec, procs[i], [&, i] {
      std::minstd_rand rng(i);
      for (int r = 0; r < kRounds; ++r) {
        waiting[i].store(true);
        const auto deadline = Clock::now() + std::chrono::microseconds(rng() % 300);
        if (exec.park(procs[i], deadline)) {
          woken.fetch_add(1);
          continue;
        }
        if (Clock::now() < deadline) early.fetch_add(1);
        if (!waiting[i].exchange(false)) {
          // A waker lowered it: its wake is ours, now or soon.
          if (exec.park(procs[i], Clock::now() + patience())) woken.fetch_add(1);
        }
      }
      done.fetch_add(1);
    });
  }
  std::vector<std::thread> wakers;
  for (int w = 0; w < 2; ++w) {
    wakers.emplace_back([&, w] {
      std::minstd_rand rng(100 + w);
      while (done.load() < kProcs) {
        const int i = static_cast<int>(rng() % kProcs);
        if (waiting[i].exchange(false)) {
          wakes_sent.fetch_add(1);
          exec.wake(procs[i]);
        }
      }
    });
  }
  for (auto& t : wakers) t.join();
  exec.join();
  EXPECT_EQ(woken.load(), wakes_sent.load()) << "a park returned true without a wake, or a wake was lost";
  EXPECT_EQ(early.load(), 0) << "a park timed out before its deadline";
}

// If a timed park held its worker, the only worker would be busy with the
// first parker and the waker below could not run before the deadlines.
TEST(TbbSeam, timed_park_frees_the_worker) {
  constexpr int kParkers = 500;
  TbbExecutor exec(1, 0);
  std::vector<Proc> parkers(kParkers);
  Proc waker;
  std::atomic<int> parked{0}, woken{0};
  for (auto& p : parkers) {
    launch(exec, p, [&, pp = &p] {
      parked.fetch_add(1);
      if (exec.park(*pp, Clock::now() + patience())) woken.fetch_add(1);
    });
  }
  launch(exec, waker, [&] {
    // Polls until every parker has reached its park (enqueue order is not
    // strictly FIFO); each poll parks too, so it never holds the worker.
    while (parked.load() < kParkers) exec.park(waker, Clock::now() + 1ms);
    for (auto& p : parkers) exec.wake(p);
  });
  exec.join();
  EXPECT_EQ(woken.load(), kParkers);
}

TEST(TbbSeam, current_is_null_outside_and_for_other_runtimes) {
  TbbExecutor exec(2, 0), other(1, 0);
  EXPECT_EQ(exec.current(), nullptr);
  Proc p;
  std::atomic<bool> own{false}, foreign_null{false};
  launch(exec, p, [&] {
    own = exec.current() == &p;
    foreign_null = other.current() == nullptr;
  });
  exec.join();
  other.join();
  EXPECT_TRUE(own.load());
  EXPECT_TRUE(foreign_null.load());
}

// With one worker, B runs on the thread A parked from. The exception state
// must travel with A: B must not see A's caught or in-flight exception, and
// A must find its own again when it resumes. A starts B from inside its
// catch block, so B cannot run before A has parked there.
//   A: throw, catch, start B, park #1   B: check, wake A, park
//   A: rethrow, catch; throw 42 and, unwinding, wake B, park #2
//   B: check again, wake A              A: check uncaught_exceptions
TEST(TbbSeam, exception_state_travels_with_the_process) {
  TbbExecutor exec(1, 0);
  Proc a, b;
  std::atomic<bool> b_clean_1{false}, b_clean_2{false}, a_rethrew{false}, a_still_unwinding{false};
  struct ParksWhileUnwinding {
    TbbExecutor& exec;
    Proc& self;
    Proc& other;
    std::atomic<bool>& still_unwinding;
    ~ParksWhileUnwinding() {
      exec.wake(other);
      exec.park(self, std::nullopt);
      still_unwinding = std::uncaught_exceptions() == 1;
    }
  };
  auto b_body = [&] {
    b_clean_1 = std::current_exception() == nullptr && std::uncaught_exceptions() == 0;
    exec.wake(a);
    exec.park(b, std::nullopt);
    b_clean_2 = std::current_exception() == nullptr && std::uncaught_exceptions() == 0;
    exec.wake(a);
  };
  launch(exec, a, [&] {
    try {
      try {
        throw std::runtime_error("parked while handling me");
      } catch (...) {
        launch(exec, b, b_body);
        exec.park(a, std::nullopt);
        throw;
      }
    } catch (const std::runtime_error& e) {
      a_rethrew = std::string(e.what()) == "parked while handling me";
    }
    try {
      ParksWhileUnwinding guard{exec, a, b, a_still_unwinding};
      throw 42;
    } catch (int) {
    }
  });
  exec.join();
  EXPECT_TRUE(b_clean_1.load()) << "another process saw A's caught exception";
  EXPECT_TRUE(a_rethrew.load()) << "rethrow after a park lost the exception";
  EXPECT_TRUE(b_clean_2.load()) << "another process saw A's exception in flight";
  EXPECT_TRUE(a_still_unwinding.load()) << "std::uncaught_exceptions changed across a park";
}

// ---- through the public API ----

TEST(TbbSeam, shutdown_ends_parked_and_timed_waiters) {
  auto rt = make_runtime("tbb");
  constexpr int kEach = 500;
  for (int i = 0; i < kEach; ++i) {
    rt->spawn([](Process& self) { self.receive<int>(); });
    rt->spawn([](Process& self) { self.receive_for<int>(std::chrono::hours(1)); });
  }
  // Shutdown must resume every one of them, wherever it is.
  rt->shutdown();
  EXPECT_EQ(rt->process_count(), 0u);
}

TEST(TbbSeam, many_runtimes_come_and_go) {
  for (int round = 0; round < 100; ++round) {
    auto rt = make_runtime("tbb", RuntimeOptions{.workers = 1u + static_cast<unsigned>(round % 3)});
    const ExitReason r = rt->run([](Process& self) {
      const Pid me = self.self();
      auto [child, ref] = self.spawn_monitor([me](Process& c) { c.send(me, c.receive<int>() + 1); });
      self.send(child, 41);
      if (self.receive<int>() != 42) self.exit(ExitReason::user("wrong reply"));
      self.receive(on<Down>([](Down&&) {}));
    });
    EXPECT_EQ(r, ExitReason::normal());
    // A process left blocked in receive: shutdown (in the destructor) ends it.
    rt->spawn([](Process& self) { self.receive<int>(); });
  }
}

// A process that outgrows its stack must die loudly, not scribble over its
// neighbour's stack (a guard page or the canary stops it).
int recurse(int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth == 0) return frame[0];
  return recurse(depth - 1) + frame[0];
}

TEST(TbbSeamDeathTest, stack_overflow_is_fatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto rt = make_runtime("tbb", RuntimeOptions{.workers = 1, .stack_size = 64 * 1024});
        rt->run([](Process&) { recurse(100000); });
      },
      "");
}

}  // namespace
}  // namespace actorspec::tbb_backend
