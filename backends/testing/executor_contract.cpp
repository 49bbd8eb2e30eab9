// The Executor contract (core/include/actorspec/core/executor.hpp), on
// every executor: wakes and parks, timeouts, current(), launch, exception
// state across switches, runtime churn, and a launch that fails.

#include "actorspec/testing/executor_contract.hpp"

#include <pthread.h>

#include <atomic>
#include <exception>
#include <latch>
#include <random>
#include <semaphore>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "actorspec/core/core_runtime.hpp"
#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::testing {
namespace {

using conformance::patience;
using conformance::scaled;
using core::Clock;

struct TestProcess final : core::Schedulable {};

std::unique_ptr<core::Executor> make(const ExecutorMaker& m, unsigned workers) { return m.make(workers); }

// Launches `body` on `p` and waits, on this plain thread, for it to return.
template <class F>
void run_process(core::Executor& ex, TestProcess& p, F body) {
  std::binary_semaphore done{0};
  ex.launch(p, [&] {
    body();
    done.release();
  });
  ASSERT_TRUE(done.try_acquire_for(patience())) << "the process never finished";
}

// ---- park and wake ------------------------------------------------------------

TEST_P(ExecutorContract, a_wake_before_park_is_kept_exactly_once) {
  auto ex = make(GetParam(), 2);
  TestProcess p;
  run_process(*ex, p, [&] {
    ex->wake(p);
    EXPECT_TRUE(ex->park(p, Clock::now() + patience())) << "the early wake was lost";
    EXPECT_FALSE(ex->park(p, Clock::now() + scaled(5ms))) << "one wake was consumed twice";
  });
  ex->join();
}

TEST_P(ExecutorContract, a_wake_from_a_plain_thread_resumes_an_untimed_park) {
  auto ex = make(GetParam(), 2);
  for (int round = 0; round < 200; ++round) {
    TestProcess p;
    std::binary_semaphore done{0};
    std::atomic<bool> woke{false};
    ex->launch(p, [&] {
      woke = ex->park(p, std::nullopt);
      done.release();
    });
    ex->wake(p);  // before or after the park, depending on the round
    ASSERT_TRUE(done.try_acquire_for(patience())) << "round " << round;
    EXPECT_TRUE(woke.load());
  }
  ex->join();
}

TEST_P(ExecutorContract, a_timeout_never_fires_early) {
  auto ex = make(GetParam(), 2);
  TestProcess p;
  run_process(*ex, p, [&] {
    for (auto d : {1ms, 5ms, 20ms}) {
      const auto start = Clock::now();
      EXPECT_FALSE(ex->park(p, start + d));
      EXPECT_GE(Clock::now() - start, d) << "the timeout fired early";
    }
    EXPECT_FALSE(ex->park(p, Clock::now() - 1s)) << "a deadline in the past";
  });
  ex->join();
}

// Two processes bounce one wake back and forth across the workers.
TEST_P(ExecutorContract, ping_pong_across_workers_loses_no_wake) {
  auto ex = make(GetParam(), 2);
  TestProcess a, b;
  constexpr int kRounds = 20000;
  std::atomic<int> a_true{0}, b_true{0};
  std::atomic<bool> identity_ok{true};
  std::latch done(2);
  ex->launch(b, [&] {
    for (int i = 0; i < kRounds; ++i) {
      // Bounded, so a lost wake fails the test instead of hanging it.
      if (ex->park(b, Clock::now() + patience())) b_true.fetch_add(1);
      if (ex->current() != &b) identity_ok = false;
      ex->wake(a);
    }
    done.count_down();
  });
  ex->launch(a, [&] {
    for (int i = 0; i < kRounds; ++i) {
      ex->wake(b);
      if (ex->park(a, Clock::now() + patience())) a_true.fetch_add(1);
      if (ex->current() != &a) identity_ok = false;
    }
    done.count_down();
  });
  done.wait();
  ex->join();
  EXPECT_EQ(a_true.load(), kRounds);
  EXPECT_EQ(b_true.load(), kRounds);
  EXPECT_TRUE(identity_ok.load()) << "current() named the wrong process after a park";
}

// The core's protocol (ProcessState::receive_matching): a process raises
// `waiting` before it parks; whoever lowers it owes exactly one wake. A
// timed park that returns false with `waiting` already lowered takes the
// wake in flight with another park. Deadlines of a few microseconds make
// timers and wakes collide all the time: a lost wake fails the bounded
// park, an invented one breaks the counts. Wakers are plain threads and a
// process of the same executor.
TEST_P(ExecutorContract, timeouts_racing_wakes_neither_lose_nor_invent_wakes) {
  constexpr int kProcs = 16;
  constexpr int kRounds = 400;
  auto ex = make(GetParam(), 2);
  std::vector<TestProcess> procs(kProcs);
  TestProcess helper;
  std::vector<std::atomic<bool>> waiting(kProcs);
  std::atomic<long> woken{0}, wakes_sent{0}, early{0}, lost{0};
  std::atomic<int> done{0};
  auto try_wake = [&](std::minstd_rand& rng) {
    const int i = static_cast<int>(rng() % kProcs);
    if (waiting[i].load(std::memory_order_relaxed) && waiting[i].exchange(false)) {
      wakes_sent.fetch_add(1);
      ex->wake(procs[i]);
    }
  };
  for (int i = 0; i < kProcs; ++i) {
    ex->launch(procs[i], [&, i] {
      std::minstd_rand rng(i);
      for (int r = 0; r < kRounds; ++r) {
        waiting[i].store(true);
        const auto deadline = Clock::now() + std::chrono::microseconds(rng() % 200);
        if (ex->park(procs[i], deadline)) {
          woken.fetch_add(1);
          continue;
        }
        if (Clock::now() < deadline) early.fetch_add(1);
        if (!waiting[i].exchange(false)) {
          // A waker lowered it: its wake is ours, now or soon.
          if (ex->park(procs[i], Clock::now() + patience()))
            woken.fetch_add(1);
          else
            lost.fetch_add(1);
        }
      }
      done.fetch_add(1);
    });
  }
  std::binary_semaphore helper_done{0};
  ex->launch(helper, [&] {
    std::minstd_rand rng(99);
    while (done.load() < kProcs) {
      try_wake(rng);
      ex->park(helper, Clock::now() + 1us);  // lets the others run on this worker too
    }
    helper_done.release();
  });
  std::thread outsider([&] {
    std::minstd_rand rng(100);
    while (done.load() < kProcs) try_wake(rng);
  });
  outsider.join();
  ASSERT_TRUE(helper_done.try_acquire_for(patience()));
  ex->join();
  EXPECT_EQ(lost.load(), 0) << "a wake was lost";
  EXPECT_EQ(woken.load(), wakes_sent.load()) << "a park returned true without a wake, or a wake was lost";
  EXPECT_EQ(early.load(), 0) << "a park timed out before its deadline";
}

// A timed park must not hold its worker: with one worker, the waker could
// otherwise not run before the parkers' deadlines.
TEST_P(ExecutorContract, a_timed_park_frees_its_worker) {
  constexpr int kParkers = 200;
  auto ex = make(GetParam(), 1);
  std::vector<TestProcess> parkers(kParkers);
  TestProcess waker;
  std::atomic<int> parked{0}, woken{0};
  std::latch done(kParkers + 1);
  for (auto& p : parkers) {
    ex->launch(p, [&, pp = &p] {
      parked.fetch_add(1);
      if (ex->park(*pp, Clock::now() + patience())) woken.fetch_add(1);
      done.count_down();
    });
  }
  ex->launch(waker, [&] {
    // Each poll parks too, so it never holds the worker.
    while (parked.load() < kParkers) ex->park(waker, Clock::now() + 1ms);
    for (auto& p : parkers) ex->wake(p);
    done.count_down();
  });
  done.wait();
  ex->join();
  EXPECT_EQ(woken.load(), kParkers);
}

// ---- current() ----------------------------------------------------------------

TEST_P(ExecutorContract, current_is_null_outside_and_for_a_process_of_another_executor) {
  auto ex = make(GetParam(), 2);
  auto other = make(GetParam(), 1);
  EXPECT_EQ(ex->current(), nullptr) << "a plain thread runs no process";
  TestProcess p, q;
  run_process(*ex, p, [&] {
    EXPECT_EQ(ex->current(), &p);
    EXPECT_EQ(other->current(), nullptr) << "another executor claims this executor's process";
  });
  run_process(*other, q, [&] { EXPECT_EQ(ex->current(), nullptr); });
  ex->join();
  other->join();
}

TEST_P(ExecutorContract, current_names_the_process_wherever_it_resumes) {
  constexpr int kProcs = 32, kParks = 200;
  auto ex = make(GetParam(), 4);
  std::vector<TestProcess> ps(kProcs);
  std::atomic<int> wrong{0};
  std::atomic<bool> all_launched{false};  // a process can be woken once launched
  std::atomic<int> looping{kProcs};
  std::latch done(kProcs);
  for (int i = 0; i < kProcs; ++i) {
    ex->launch(ps[i], [&, i] {
      while (!all_launched.load()) ex->park(ps[i], Clock::now() + 50us);
      for (int k = 0; k < kParks; ++k) {
        ex->wake(ps[(i + 1) % kProcs]);
        ex->park(ps[i], Clock::now() + 20us);
        if (ex->current() != &ps[i]) ++wrong;
      }
      // A wake is only for a process that has not ended (the core's
      // rule): stay until no one will wake us.
      looping.fetch_sub(1);
      while (looping.load() > 0) ex->park(ps[i], Clock::now() + 50us);
      done.count_down();
    });
  }
  all_launched = true;
  done.wait();
  ex->join();
  EXPECT_EQ(wrong.load(), 0);
}

// ---- launch -------------------------------------------------------------------

// The lowest and highest address of the calling thread's stack.
std::pair<std::uintptr_t, std::uintptr_t> thread_stack() {
  pthread_attr_t attr;
  pthread_getattr_np(pthread_self(), &attr);
  void* low = nullptr;
  std::size_t size = 0;
  pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  const auto lo = reinterpret_cast<std::uintptr_t>(low);
  return {lo, lo + size};
}

TEST_P(ExecutorContract, launch_never_runs_the_body_on_the_callers_stack) {
  auto ex = make(GetParam(), 1);
  const auto [lo, hi] = thread_stack();
  TestProcess outer, inner;
  std::atomic<std::uintptr_t> outer_local{0};
  std::atomic<bool> nested{false};
  std::binary_semaphore inner_done{0};
  run_process(*ex, outer, [&] {
    int here = 0;
    outer_local = reinterpret_cast<std::uintptr_t>(&here);
    // Launched from inside a process: the body must not run inside this
    // launch call (on this stack) either.
    std::atomic<bool> returned{false};
    const auto launcher = std::this_thread::get_id();
    ex->launch(inner, [&] {
      if (std::this_thread::get_id() == launcher && !returned.load()) nested = true;
      inner_done.release();
    });
    returned = true;
  });
  ASSERT_TRUE(inner_done.try_acquire_for(patience()));
  EXPECT_FALSE(outer_local.load() >= lo && outer_local.load() < hi) << "the body ran on the launching thread's stack";
  EXPECT_FALSE(nested.load()) << "launch ran the body before returning, on the launcher's stack";
  ex->join();
}

// ---- exception state ----------------------------------------------------------

// With one worker, B runs on the thread A parked from. The C++ exception
// state must travel with A: B must not see A's caught or in-flight
// exception, and A must find its own again when it resumes.
//   A: throw, catch, start B, park #1   B: check, wake A, park
//   A: rethrow, catch; throw 42 and, unwinding, wake B, park #2
//   B: check again, wake A              A: check uncaught_exceptions
TEST_P(ExecutorContract, exception_state_survives_a_switch_and_a_migration) {
  auto ex = make(GetParam(), 1);
  TestProcess a, b;
  std::atomic<bool> b_clean_1{false}, b_clean_2{false}, a_rethrew{false}, a_still_unwinding{false};
  std::latch done(2);
  struct ParksWhileUnwinding {
    core::Executor& ex;
    TestProcess& self;
    TestProcess& other;
    std::atomic<bool>& still_unwinding;
    ~ParksWhileUnwinding() {
      ex.wake(other);
      ex.park(self, std::nullopt);
      still_unwinding = std::uncaught_exceptions() == 1;
    }
  };
  auto b_body = [&] {
    b_clean_1 = std::current_exception() == nullptr && std::uncaught_exceptions() == 0;
    ex->wake(a);
    ex->park(b, std::nullopt);
    b_clean_2 = std::current_exception() == nullptr && std::uncaught_exceptions() == 0;
    ex->wake(a);
    done.count_down();
  };
  ex->launch(a, [&] {
    try {
      try {
        throw std::runtime_error("parked while handling me");
      } catch (...) {
        ex->launch(b, b_body);
        ex->park(a, std::nullopt);
        throw;
      }
    } catch (const std::runtime_error& e) {
      a_rethrew = std::string(e.what()) == "parked while handling me";
    }
    try {
      ParksWhileUnwinding guard{*ex, a, b, a_still_unwinding};
      throw 42;
    } catch (int) {
    }
    done.count_down();
  });
  done.wait();
  ex->join();
  EXPECT_TRUE(b_clean_1.load()) << "another process saw A's caught exception";
  EXPECT_TRUE(a_rethrew.load()) << "rethrow after a park lost the exception";
  EXPECT_TRUE(b_clean_2.load()) << "another process saw A's exception in flight";
  EXPECT_TRUE(a_still_unwinding.load()) << "std::uncaught_exceptions changed across a park";
}

// Across a migration: many processes park inside catch blocks on a pool
// and resume wherever; each must find its own exception.
TEST_P(ExecutorContract, each_process_keeps_its_own_caught_exception_across_parks) {
  constexpr int kProcs = 16, kParks = 50;
  auto ex = make(GetParam(), 3);
  std::vector<TestProcess> ps(kProcs);
  std::atomic<int> wrong{0};
  std::latch done(kProcs);
  for (int i = 0; i < kProcs; ++i) {
    ex->launch(ps[i], [&, i] {
      try {
        throw i;
      } catch (int) {
        for (int k = 0; k < kParks; ++k) {
          ex->park(ps[i], Clock::now() + 10us);
          try {
            std::rethrow_exception(std::current_exception());
          } catch (int mine) {
            if (mine != i) ++wrong;
          }
        }
      }
      done.count_down();
    });
  }
  done.wait();
  ex->join();
  EXPECT_EQ(wrong.load(), 0) << "a process resumed with another's exception";
}

// ---- through a runtime (core::make_runtime) ----------------------------------

TEST_P(ExecutorContract, runtimes_can_be_created_and_destroyed_many_times) {
  for (int round = 0; round < 100; ++round) {
    auto rt = core::make_runtime(GetParam().name, make(GetParam(), 1u + round % 3));
    const ExitReason r = rt->run([](Process& self) {
      const Pid me = self.self();
      auto [child, ref] = self.spawn_monitor([me](Process& c) { c.send(me, c.receive<int>() + 1); });
      self.send(child, 41);
      if (self.receive<int>() != 42) self.exit(ExitReason::user("wrong reply"));
      self.receive(on<Down>([](Down&&) {}));
    });
    ASSERT_EQ(r, ExitReason::normal()) << "round " << round;
    // Left blocked in receive, timed and untimed: shutdown (in the
    // destructor) ends them.
    rt->spawn([](Process& self) { self.receive<int>(); });
    rt->spawn([](Process& self) { self.receive_for<int>(std::chrono::hours(1)); });
  }
}

// An executor whose launch fails on demand, as a real one does when the
// system is out of threads or memory.
class FailingLaunch final : public core::Executor {
 public:
  explicit FailingLaunch(std::unique_ptr<core::Executor> inner) : inner_(std::move(inner)) {}
  std::atomic<bool> fail{false};

  unsigned workers() const override { return inner_->workers(); }
  void launch(core::Schedulable& p, std::function<void()> entry) override {
    if (fail.load()) throw std::system_error(EAGAIN, std::generic_category(), "test: no more threads");
    inner_->launch(p, std::move(entry));
  }
  bool park(core::Schedulable& p, std::optional<Clock::time_point> d) override { return inner_->park(p, d); }
  void wake(core::Schedulable& p) override { inner_->wake(p); }
  void yield(core::Schedulable& p) override { inner_->yield(p); }
  core::Schedulable* current() override { return inner_->current(); }
  void join() override { inner_->join(); }

 private:
  std::unique_ptr<core::Executor> inner_;
};

TEST_P(ExecutorContract, a_failed_launch_leaves_no_ghost_and_shutdown_completes) {
  auto failing = std::make_unique<FailingLaunch>(make(GetParam(), 2));
  FailingLaunch& exec = *failing;
  auto rt = core::make_runtime(GetParam().name, std::move(failing));
  const ExitReason r = rt->run([&](Process& self) {
    self.trap_exit(true);
    exec.fail = true;
    EXPECT_THROW(self.spawn([](Process&) {}), SystemLimit);
    EXPECT_THROW(self.spawn_link([](Process&) {}), SystemLimit);
    EXPECT_THROW(self.spawn_monitor([](Process&) {}), SystemLimit);
    try {
      self.spawn([](Process&) {});
    } catch (const SystemLimit& e) {
      EXPECT_NE(std::string(e.what()).find("no more threads"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(self.links().empty()) << "a link to a process that never started";
    EXPECT_EQ(rt->process_count(), 1u) << "a process that never started is counted";
    exec.fail = false;
    // Working again; and no Exit or Down ever comes for the failed ones.
    const auto [child, ref] = self.spawn_monitor([](Process&) {});
    EXPECT_EQ(conformance::expect_down(self, ref).pid, child);
    EXPECT_FALSE(self.receive_for<Exit>(scaled(20ms)).has_value());
    EXPECT_FALSE(self.receive_for<Down>(scaled(20ms)).has_value());
  });
  EXPECT_EQ(r, ExitReason::normal());
  exec.fail = true;
  EXPECT_THROW(rt->spawn([](Process&) {}), SystemLimit);
  EXPECT_THROW(rt->run([](Process&) {}), SystemLimit);
  EXPECT_EQ(rt->process_count(), 0u);
  rt->shutdown();  // used to wait forever for the ghost
  EXPECT_EQ(rt->process_count(), 0u);
}

}  // namespace
}  // namespace actorspec::testing
