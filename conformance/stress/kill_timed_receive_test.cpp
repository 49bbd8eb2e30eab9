// kill while blocked in a receive with a timeout, many times (LNK-5,
// LNK-17, ORD-5): the victim ends with `killed`, and its timeout never
// fires afterwards. Timeouts are drawn from 0 to 3 ms, so kills land before,
// during and after the timer's expiry: a victim whose timer fired first
// says so (TimedOut, then it parks for good) and is killed all the same. A
// TimedOut from a victim whose Down has been seen is a timer that outlived
// its kill; after the last Down the test waits out the longest timeout
// twice over to catch late ones.

#include <chrono>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using namespace std::chrono_literals;
using conformance::patience;

struct Ready {};
struct TimedOut {
  Pid victim;
};
struct Never {};

constexpr auto kLongestTimeout = 3ms;

class KillTimedReceive : public conformance::RuntimeTest {};

TEST_P(KillTimedReceive, victim_ends_killed_and_its_timeout_never_fires_afterwards) {
  const long kills = static_cast<long>(size_for("ACTORSPEC_STRESS_KILLS", GetParam(), {.pooled = 3000, .thread = 1000}));
  constexpr long kInFlight = 32;  // victims alive at once
  long fired_before_kill = 0;
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    const Pid me = self.self();
    std::mt19937 rng(static_cast<unsigned>(kills));
    std::unordered_map<Ref, Pid> victims;
    std::unordered_set<Pid> ended;
    auto await_one_down = [&] {
      const auto d = self.receive(on<Down>([](Down d) { return std::optional<Down>(d); }),
                                  on<TimedOut>([&](TimedOut t) {
                                    EXPECT_EQ(ended.count(t.victim), 0u) << "a timeout fired after its kill";
                                    ++fired_before_kill;
                                    return std::optional<Down>();
                                  }),
                                  after(patience(), [] { return std::optional<Down>(); }));
      if (!d) return;  // a TimedOut, or nothing (caught below)
      ASSERT_EQ(victims.count(d->ref), 1u) << "a Down nobody asked for";
      EXPECT_EQ(d->reason, ExitReason::killed()) << "victim " << d->pid << " ended with " << d->reason;
      ended.insert(d->pid);
      victims.erase(d->ref);
    };
    for (long i = 0; i < kills; ++i) {
      const auto timeout = std::chrono::microseconds(rng() % (kLongestTimeout.count() * 1000 + 1));
      const auto [pid, ref] = self.spawn_monitor([me, timeout](Process& v) {
        v.send(me, Ready{});
        v.receive(on<Never>([] {}), after(timeout, [&] { v.send(me, TimedOut{v.self()}); }));
        v.receive<Never>();  // a victim that timed out waits for its kill here
      });
      victims.emplace(ref, pid);
      ASSERT_TRUE(self.receive_for<Ready>(patience())) << "victim " << i << " never started";
      self.exit(pid, ExitReason::kill());
      EXPECT_FALSE(self.is_alive(pid)) << "LNK-18: alive after its kill was accepted";
      while (static_cast<long>(victims.size()) >= kInFlight) await_one_down();
    }
    const auto deadline = std::chrono::steady_clock::now() + patience();
    while (!victims.empty() && std::chrono::steady_clock::now() < deadline) await_one_down();
    ASSERT_TRUE(victims.empty()) << victims.size() << " victims never ended";
    // The absence of a late timeout can only be seen by waiting past it.
    while (auto late = self.receive_for<TimedOut>(2 * kLongestTimeout))
      ADD_FAILURE() << "victim " << late->victim << " timed out after its Down";
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("kill_timed_receive", GetParam(),
         "kills=" + std::to_string(kills) + " timed_out_before_kill=" + std::to_string(fired_before_kill) +
             " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(KillTimedReceive);

}  // namespace
}  // namespace actorspec::stress
