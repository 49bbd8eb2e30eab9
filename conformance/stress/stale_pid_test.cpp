// A stale pid stays dead while the runtime reuses what its process left.
// Processes end one after another, and a second process sends messages
// and kill signals to the pids that have ended, and asks whether they are
// alive, while the next ones run. A runtime that recycles process objects (the core's pool: a
// pid names the slot of its object) must drop all of it: a message or a
// signal meant for an ended process never reaches the one that now uses the
// same object (Pid: "a stale Pid stays dead"; SPEC "alive").

#include <atomic>
#include <chrono>
#include <vector>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using conformance::patience;

struct For {
  Pid to;
};

class StalePids : public conformance::RuntimeTest {};

TEST_P(StalePids, sends_and_kills_to_ended_pids_never_reach_their_successors) {
  const long rounds =
      static_cast<long>(size_for("ACTORSPEC_STRESS_CHURN", GetParam(), {.pooled = 20000, .thread = 2000}));
  std::atomic<long> misdelivered{0};  // a child got a message meant for another pid
  std::atomic<long> alive_stale{0};   // is_alive said yes for an ended pid
  std::atomic<long> stale_sends{0};
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    // Told each pid after its process ended; an empty Pid means stop.
    auto [blaster, blaster_ref] = self.spawn_monitor([&](Process& p) {
      constexpr std::size_t kRing = 16;
      std::vector<Pid> ended;
      std::size_t next = 0;
      // One pass over the last kRing ended pids per pid told: it overlaps
      // the next child, which the driver spawns at once (and which most
      // likely reuses the object of the one just told), at a bounded cost.
      for (;;) {
        const Pid told = p.receive<Pid>();
        if (!told) return;
        if (ended.size() < kRing) ended.push_back(told);
        else ended[next++ % kRing] = told;
        for (Pid stale : ended) {
          p.send(stale, For{stale});
          p.exit(stale, ExitReason::kill());
          if (p.is_alive(stale)) ++alive_stale;
          ++stale_sends;
        }
      }
    });
    for (long i = 0; i < rounds; ++i) {
      auto [child, ref] = self.spawn_monitor([&](Process& p) {
        for (;;) {
          const For m = p.receive<For>();
          if (m.to == p.self()) return;
          ++misdelivered;
        }
      });
      self.send(child, For{child});
      const auto down = self.receive_for<Down>(patience());
      ASSERT_TRUE(down) << "round " << i << ": the child never ended";
      ASSERT_EQ(down->pid, child);
      // A kill meant for an earlier process would end it `killed`.
      ASSERT_EQ(down->reason, ExitReason::normal()) << "round " << i;
      self.send(blaster, child);
    }
    self.send(blaster, Pid{});
    const auto down = self.receive_for<Down>(patience());
    ASSERT_TRUE(down) << "the blaster never ended";
    EXPECT_EQ(down->reason, ExitReason::normal());
  });
  EXPECT_EQ(misdelivered.load(), 0) << "messages to ended pids reached the processes after them";
  EXPECT_EQ(alive_stale.load(), 0) << "ended pids reported alive";
  EXPECT_GT(stale_sends.load(), 0) << "the test sent nothing to a stale pid";
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("stale_pids", GetParam(),
         "rounds=" + std::to_string(rounds) + " stale_sends=" + std::to_string(stale_sends.load()) +
             " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(StalePids);

}  // namespace
}  // namespace actorspec::stress
