// Spawn/exit churn of monitored processes (MON-1, MON-9, SPN-3, LNK-15):
// every Down arrives exactly once, with its process's reason. Children end
// in turn by returning, by exit/1 and by throwing; a bounded number are
// alive at once, so the run churns through far more pids than it holds.

#include <chrono>
#include <stdexcept>
#include <unordered_map>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using conformance::patience;

ExitReason reason_of(long i) {
  switch (i % 3) {
    case 0: return ExitReason::normal();
    case 1: return ExitReason::user("churn");
    default: return ExitReason::exception("std::logic_error", "churn");
  }
}

class MonitorChurn : public conformance::RuntimeTest {};

TEST_P(MonitorChurn, every_down_arrives_exactly_once) {
  const long total = static_cast<long>(size_for("ACTORSPEC_STRESS_CHURN", GetParam(), {.pooled = 100000, .thread = 10000}));
  constexpr long kInFlight = 256;
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    std::unordered_map<Ref, std::pair<Pid, long>> live;  // ref -> (pid, index)
    auto await_down = [&] {
      const auto d = self.receive_for<Down>(patience());
      ASSERT_TRUE(d) << live.size() << " monitored processes never sent their Down";
      const auto it = live.find(d->ref);
      ASSERT_NE(it, live.end()) << "a Down for a ref already seen or never made: " << d->ref;
      EXPECT_EQ(d->pid, it->second.first);
      EXPECT_EQ(d->reason, reason_of(it->second.second)) << "child " << it->second.second;
      live.erase(it);
    };
    for (long i = 0; i < total; ++i) {
      const auto [pid, ref] = self.spawn_monitor([i](Process& c) {
        switch (i % 3) {
          case 0: return;
          case 1: c.exit(ExitReason::user("churn"));
          default: throw std::logic_error("churn");
        }
      });
      ASSERT_TRUE(live.emplace(ref, std::make_pair(pid, i)).second) << "spawn_monitor reused a ref";
      while (static_cast<long>(live.size()) >= kInFlight) {
        await_down();
        if (HasFatalFailure()) return;
      }
    }
    while (!live.empty()) {
      await_down();
      if (HasFatalFailure()) return;
    }
    EXPECT_FALSE(self.receive_for<Down>(std::chrono::milliseconds(0))) << "a Down beyond one per monitor";
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("monitor_churn", GetParam(), "processes=" + std::to_string(total) + " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(MonitorChurn);

}  // namespace
}  // namespace actorspec::stress
