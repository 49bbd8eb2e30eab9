// CI-sized stress of the tbb backend through the public API: 20,000
// processes waiting in receive at once, all released by one message each;
// 10,000 timeouts firing together (fewer under ThreadSanitizer); timeouts racing messages; a long ping-pong.
// The 100,000-process run is bench/blocked_receivers.cpp (not in CTest).

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <vector>

#include "actorspec/actorspec.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;

namespace actorspec::tbb_backend {
namespace {

using testing::patience;

struct Ready {
  Pid who;
};
struct Go {};
struct TimedOut {};
struct Count {
  long n;
};

// `receive` that fails the process (and so the test) instead of hanging.
template <class T>
T expect(Process& self) {
  auto r = self.receive_for<T>(patience());
  if (!r) self.exit(ExitReason::user("expected message did not arrive"));
  return std::move(*r);
}

TEST(TbbStress, many_blocked_receivers_all_end_on_a_message) {
  constexpr int kProcs = testing::kMaxStressProcesses;
  auto rt = make_runtime("tbb");
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    std::vector<std::pair<Pid, Ref>> children;
    children.reserve(kProcs);
    for (int i = 0; i < kProcs; ++i)
      children.push_back(self.spawn_monitor([me](Process& c) {
        c.send(me, Ready{c.self()});
        c.receive<Go>();  // every one of them waits here at once
      }));
    for (int i = 0; i < kProcs; ++i) expect<Ready>(self);
    // All are in (or entering) receive; none can end before its Go.
    if (self.runtime().process_count() != kProcs + 1u) self.exit(ExitReason::user("a receiver ended early"));
    for (auto& [pid, ref] : children) self.send(pid, Go{});
    for (int i = 0; i < kProcs; ++i) {
      const Down d = expect<Down>(self);
      if (d.reason != ExitReason::normal()) self.exit(ExitReason::user("a receiver ended abnormally"));
    }
  });
  EXPECT_EQ(r, ExitReason::normal());
  // A process is counted until the very end of its exit, after its Downs go
  // out, so the count is only sure to be zero once shutdown has waited.
  rt->shutdown();
  EXPECT_EQ(rt->process_count(), 0u);
}

TEST(TbbStress, thousands_of_timeouts_fire_together) {
  constexpr int kProcs = testing::kMaxStressProcesses / 2;
  auto rt = make_runtime("tbb");
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    for (int i = 0; i < kProcs; ++i)
      self.spawn([me](Process& c) {
        if (!c.receive_for<Go>(50ms)) c.send(me, TimedOut{});
      });
    for (int i = 0; i < kProcs; ++i) expect<TimedOut>(self);
  });
  EXPECT_EQ(r, ExitReason::normal());
}

// Receivers poll with short random timeouts while senders fire at random:
// every message sent must be received exactly once, and nobody hangs.
TEST(TbbStress, timeouts_race_messages) {
  constexpr int kReceivers = 64;
  constexpr int kPerReceiver = 300;
  auto rt = make_runtime("tbb");
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    std::vector<Pid> receivers;
    for (int i = 0; i < kReceivers; ++i)
      receivers.push_back(self.spawn([me, i](Process& c) {
        std::minstd_rand rng(i);
        long got = 0;
        for (;;) {
          auto m = c.receive(on<int>([](int v) { return v; }), on<Go>([](Go) { return -1; }),
                             after(std::chrono::microseconds(rng() % 200), [] { return 0; }));
          if (m == -1) break;
          got += m;
        }
        c.send(me, Count{got});
      }));
    for (int w = 0; w < 2; ++w)
      self.spawn_link([receivers, w](Process& c) {
        std::minstd_rand rng(1000 + w);
        for (int k = 0; k < kPerReceiver / 2; ++k)
          for (Pid p : receivers) {
            c.send(p, 1);
            if (rng() % 8 == 0) c.receive_for<Go>(std::chrono::microseconds(rng() % 100));
          }
      });
    // Go goes out after every 1 a sender sent, in per-sender order; wait
    // for the senders by monitoring them through the linked spawns' ends.
    self.trap_exit(true);
    for (int w = 0; w < 2; ++w) expect<Exit>(self);
    for (Pid p : receivers) self.send(p, Go{});
    long total = 0;
    for (int i = 0; i < kReceivers; ++i) total += expect<Count>(self).n;
    if (total != long{kReceivers} * kPerReceiver) self.exit(ExitReason::user("messages lost or duplicated"));
  });
  EXPECT_EQ(r, ExitReason::normal());
}

TEST(TbbStress, ping_pong_across_workers) {
  constexpr int kRounds = 100000;
  auto rt = make_runtime("tbb", RuntimeOptions{.workers = 2});
  const ExitReason r = rt->run([&](Process& self) {
    const Pid me = self.self();
    const Pid echo = self.spawn_link([me](Process& c) {
      for (int i = 0; i < kRounds; ++i) c.send(me, expect<int>(c) + 1);
    });
    (void)echo;
    for (int i = 0; i < kRounds; ++i) {
      self.send(echo, i);
      if (expect<int>(self) != i + 1) self.exit(ExitReason::user("wrong reply"));
    }
  });
  EXPECT_EQ(r, ExitReason::normal());
}

}  // namespace
}  // namespace actorspec::tbb_backend
