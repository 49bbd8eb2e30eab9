// Conformance tests for the faults a user hits (issue 11, section 4): bad
// RuntimeOptions (RT-13), a spawn the system cannot satisfy (RT-14), pids
// used with the wrong runtime (RT-15), a runtime destroyed by its own
// process (RT-16), stack overflow (RT-17), a Process& kept after its
// process ended (ERR-12) and receive or flush inside a guard (ERR-13).
#include <sys/resource.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

class Faults : public RuntimeTest {};
// Death tests re-run the binary in a child ("threadsafe"): the runtime's
// threads make fork-only death tests unsafe.
class FaultsDeathTest : public RuntimeTest {
 protected:
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    RuntimeTest::SetUp();
  }
};

// ---- RT-13: RuntimeOptions are validated alike on every backend ------------

TEST_P(Faults, RT_13_out_of_range_options_throw_badarg_naming_the_option) {
  const auto refused = [&](RuntimeOptions o, const std::string& field) {
    try {
      make_runtime(GetParam(), o);
      ADD_FAILURE() << field << " was accepted";
    } catch (const BadArg& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  refused({.workers = 50000}, "workers");
  refused({.workers = RuntimeOptions::kMaxWorkers + 1}, "workers");
  refused({.stack_size = 1}, "stack_size");
  refused({.stack_size = 4096}, "stack_size");
  refused({.stack_size = RuntimeOptions::kMinStackSize - 1}, "stack_size");
  refused({.stack_size = std::numeric_limits<std::size_t>::max()}, "stack_size");
  refused({.stack_size = RuntimeOptions::kMaxStackSize + 1}, "stack_size");
}

TEST_P(Faults, RT_13_boundary_options_run_processes) {
  for (RuntimeOptions o : {RuntimeOptions{.workers = 1, .stack_size = kSanitized ? 256 * 1024 : RuntimeOptions::kMinStackSize},
                           RuntimeOptions{.workers = 3, .stack_size = RuntimeOptions::kMinStackSize + 1}}) {
    if (kSanitized && o.stack_size < 256 * 1024) continue;  // sanitizer frames outgrow the minimum
    auto rt2 = make_runtime(GetParam(), o);
    EXPECT_EQ(rt2->run([](Process& self) {
      // Monitored from its spawn: a monitor set after the send could come
      // after the child's end and see noproc.
      const auto [child, ref] = self.spawn_monitor([](Process& c) { c.receive<int>(); });
      self.send(child, 1);
      EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
    }),
              ExitReason::normal());
  }
}

// ---- RT-14: a spawn the system refuses leaves nothing behind ----------------

// In a child process with a small address-space limit: spawning until the
// system refuses must throw SystemLimit, count and register nothing, undo
// spawn_link's link and spawn_monitor's monitor, and shutdown must still
// complete. RLIMIT_AS cannot be used under ASan or TSan (their shadow
// memory reserves terabytes).
void spawn_until_refused(const std::string& backend) {
  auto rt = make_runtime(backend, {.workers = 2});
  std::atomic<bool> ok{false};
  const ExitReason ended = rt->run([&](Process& self) {
    rlimit limit{};
    getrlimit(RLIMIT_AS, &limit);
    limit.rlim_cur = 1ull << 30;  // 1 GiB, far below what 100,000 stacks need
    if (setrlimit(RLIMIT_AS, &limit) != 0) std::_Exit(3);
    self.trap_exit(true);  // so every linked child's end is an Exit message
    std::vector<Pid> children;
    std::string error;
    try {
      for (int i = 0; i < 1'000'000; ++i) {
        if (i % 2)
          children.push_back(self.spawn_link([](Process& c) { c.receive<int>(); }));
        else
          children.push_back(self.spawn_monitor([](Process& c) { c.receive<int>(); }).first);
      }
    } catch (const SystemLimit& e) {
      error = e.what();
    }
    if (error.empty()) {
      std::fprintf(stderr, "1,000,000 spawns and none refused\n");
      std::_Exit(4);
    }
    std::fprintf(stderr, "refused after %zu: %s\n", children.size(), error.c_str());
    // Nothing half-made: counted processes are exactly the ones spawned
    // (plus this one), and this process's links are exactly its children's.
    if (rt->process_count() != children.size() + 1) {
      std::fprintf(stderr, "process_count %zu, expected %zu\n", rt->process_count(), children.size() + 1);
      std::_Exit(5);
    }
    if (self.links().size() != children.size() / 2) {
      std::fprintf(stderr, "%zu links, expected %zu\n", self.links().size(), children.size() / 2);
      std::_Exit(6);
    }
    // Space to work again: end the children, and every Down arrives.
    for (Pid c : children) self.send(c, 0);
    for (std::size_t i = 0; i < children.size(); ++i)
      self.receive(on<Down>([](Down&&) {}), on<Exit>([](Exit&&) {}));
    // Exactly one Down per monitored child and one Exit per linked one: a
    // monitor or link left by the refused spawn would have sent nothing,
    // and an extra message would show here.
    if (self.mailbox_size() != 0) {
      std::fprintf(stderr, "%zu messages left after the Downs and Exits\n", self.mailbox_size());
      std::_Exit(7);
    }
    ok = true;
  });
  if (!ok) std::fprintf(stderr, "the spawning process ended early: %s\n", ended.to_string().c_str());
  rt->shutdown();
  if (rt->process_count() != 0) std::fprintf(stderr, "%zu processes left after shutdown\n", rt->process_count());
  std::_Exit(ok && rt->process_count() == 0 ? 0 : 8);
}

TEST_P(FaultsDeathTest, RT_14_refused_spawn_throws_system_limit_and_leaves_no_ghost) {
  if (kSanitized) GTEST_SKIP() << "RLIMIT_AS does not work under sanitizers";
  EXPECT_EXIT(spawn_until_refused(GetParam()), ::testing::ExitedWithCode(0), "refused after [0-9]+: system limit: .*RLIMIT_AS=1024 MiB");
}

// ---- RT-15: a pid belongs to its runtime -------------------------------------

TEST_P(Faults, RT_15_a_pid_of_another_runtime_reaches_nobody_there) {
  auto a = make_runtime(GetParam());
  auto b = make_runtime(GetParam());
  std::promise<Pid> a_pid, b_pid;
  std::atomic<int> b_received{0};
  const Pid in_a = a->spawn([&](Process& self) {
    a_pid.set_value(self.self());
    self.receive<std::string>();
  });
  const Pid in_b = b->spawn([&](Process& self) {
    b_pid.set_value(self.self());
    for (;;) {
      self.receive<int>();
      ++b_received;
    }
  });
  (void)a_pid.get_future().get();
  (void)b_pid.get_future().get();
  // Fresh runtimes each made one process: with per-runtime numbering both
  // would be <0.1.0>.
  EXPECT_NE(in_a, in_b);
  EXPECT_FALSE(b->is_alive(in_a));
  b->send(in_a, 1);
  b->exit(in_a, ExitReason::kill());
  EXPECT_TRUE(b->is_alive(in_b));
  EXPECT_TRUE(a->is_alive(in_a));
  EXPECT_EQ(b->run([&](Process& self) {
    self.send(in_a, 2);
    EXPECT_FALSE(self.is_alive(in_a));
    const Ref r = self.monitor(in_a);
    EXPECT_EQ(expect_down(self, r).reason, ExitReason::noproc());
  }),
            ExitReason::normal());
  b->shutdown();
  EXPECT_EQ(b_received.load(), 0);
  EXPECT_TRUE(a->is_alive(in_a));
}

// ---- RT-16: a runtime dropped inside its own process ------------------------

TEST_P(FaultsDeathTest, RT_16_dropping_the_last_reference_inside_a_process_is_a_clear_error) {
  EXPECT_DEATH(
      {
        std::shared_ptr<Runtime> rt = make_runtime(GetParam());
        std::promise<Pid> started;
        rt->spawn([rt, &started](Process& self) {
          started.set_value(self.self());
          self.receive<int>();
        });
        const Pid p = started.get_future().get();
        Runtime* raw = rt.get();
        rt.reset();  // the process's captures are now the last reference
        raw->send(p, 1);
        // The process ends, releases its body and with it the runtime.
        for (;;) std::this_thread::sleep_for(1s);  // killed by the abort above
      },
      "last reference to a [a-z]+ runtime was dropped inside its own process <0\\.[0-9]+\\.0>");
}

// ---- RT-17: a stack overflow is reported, naming the process ----------------

// Deep enough for any stack size: each frame holds a KiB the optimiser
// cannot drop.
[[gnu::noinline]] int recurse(volatile char* prev, int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  frame[1023] = prev ? prev[0] : 0;
  return depth > 100'000'000 ? frame[0] : recurse(frame, depth + 1) + frame[1023];
}

// One frame far larger than a page: without stack clash protection its
// first write lands beyond the guard page, in another stack.
[[gnu::noinline]] int big_frame(int n) {
  volatile char frame[256 * 1024];
  for (int i = 0; i < n; ++i) frame[i * 4096] = static_cast<char>(i);
  return frame[0];
}

TEST_P(FaultsDeathTest, RT_17_unbounded_recursion_is_reported_naming_the_process) {
  EXPECT_DEATH(
      {
        auto rt = make_runtime(GetParam(), {.workers = 2});
        // A parked neighbour whose stack must not be the one hurt.
        rt->spawn([](Process& self) { self.receive<int>(); });
        rt->run([](Process&) { recurse(nullptr, 0); });
      },
      "backend: process <0\\.[0-9]+\\.0> overflowed its stack of [0-9]+ bytes");
}

TEST_P(FaultsDeathTest, RT_17_a_frame_larger_than_the_stack_hits_the_guard) {
  EXPECT_DEATH(
      {
        auto rt = make_runtime(GetParam(), {.workers = 2, .stack_size = 64 * 1024});
        rt->spawn([](Process& self) { self.receive<int>(); });
        rt->run([](Process&) { big_frame(64); });
      },
      "backend: process <0\\.[0-9]+\\.0> overflowed its stack of [0-9]+ bytes");
}

// ---- ERR-12: a Process& kept after its process ended ------------------------

TEST_P(Faults, ERR_12_a_process_ref_kept_after_the_end_throws_not_in_process) {
  std::atomic<Process*> kept{nullptr};
  run([&](Process& self) {
    auto [pid, ref] = self.spawn_monitor([&](Process& p) { kept = &p; });
    expect_down(self, ref);
    Process& stale = *kept;
    // self() keeps answering: nothing was spawned since, so it is still
    // that process's object.
    EXPECT_EQ(stale.self(), pid);
    EXPECT_THROW(stale.send(self.self(), 1), NotInProcess);
    EXPECT_THROW(stale.receive_for<int>(0ms), NotInProcess);
    EXPECT_THROW(stale.link(self.self()), NotInProcess);
    EXPECT_THROW(stale.monitor(self.self()), NotInProcess);
    EXPECT_THROW(stale.trap_exit(true), NotInProcess);
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
  // From the owner's thread, after many later processes reused memory.
  for (int i = 0; i < 100; ++i) rt().run([](Process&) {});
  EXPECT_THROW(kept.load()->send(Pid{}, 1), NotInProcess);
  EXPECT_THROW(kept.load()->receive_for<int>(0ms), NotInProcess);
}

TEST_P(Faults, ERR_12_self_kept_after_the_end_throws_not_in_process) {
  std::promise<Process*> kept;
  auto got = kept.get_future();
  rt().run([&](Process& self) { kept.set_value(&self); });
  Process* stale = got.get();
  EXPECT_THROW(stale->spawn([](Process&) {}), NotInProcess);
  EXPECT_THROW(stale->exit(Pid{}, ExitReason::kill()), NotInProcess);
  EXPECT_EQ(rt().process_count(), 0u);
}

// ---- ERR-13: receive or demonitor(flush) inside a receive guard -------------

TEST_P(Faults, ERR_13_receive_inside_a_guard_throws_badarg) {
  const ExitReason r = run_for_reason([](Process& self) {
    self.send(self.self(), 1);
    self.send(self.self(), 2);
    self.receive(on<int>([&](int) { return self.receive_for<int>(0ms).has_value(); }, [](int) {}));
  });
  ASSERT_EQ(r.kind(), ExitReason::Kind::exception) << r;
  EXPECT_EQ(r.exception_type(), "actorspec::BadArg");
  EXPECT_NE(r.detail().find("guard"), std::string::npos) << r.detail();
}

TEST_P(Faults, ERR_13_demonitor_flush_inside_a_guard_throws_badarg_and_plain_demonitor_works) {
  run([](Process& self) {
    const Pid child = self.spawn([](Process& c) { c.receive<int>(); });
    const Ref ref = self.monitor(child);
    const Ref other = self.monitor(child);
    self.send(child, 0);
    expect_down(self, ref);
    ASSERT_TRUE(await_queued<Down>(self, [&](const Down& d) { return d.ref == other; }));
    bool threw = false;
    bool plain = false;
    self.send(self.self(), 7);
    self.receive(on<int>(
        [&](int) {
          try {
            self.demonitor(other, DemonitorOption::flush);
          } catch (const BadArg&) {
            threw = true;
          }
          plain = !self.demonitor(other);  // already fired: false, no error
          return true;
        },
        [](int) {}));
    EXPECT_TRUE(threw);
    EXPECT_TRUE(plain);
    // The Down the refused flush would have removed is still there, intact.
    EXPECT_EQ(expect_down(self, other).pid, child);
  });
}

}  // namespace

ACTORSPEC_CONFORMANCE_SUITE(Faults);
ACTORSPEC_CONFORMANCE_SUITE(FaultsDeathTest);

}  // namespace actorspec::conformance
