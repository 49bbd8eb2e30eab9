// Stress: many processes parked in receive at the same time on a small
// pool, then every one released by a message and ending cleanly. Sized for
// CI; backends/fiber/tools/blocked_receive_census does 100,000.

#include <gtest/gtest.h>

#include <vector>

#include "actorspec_conformance/fixture.hpp"
#include "test_support.hpp"

namespace actorspec::fiber_backend {
namespace {

using conformance::expect;
using testing::fiber_runtime;

// ThreadSanitizer counts every fiber as a thread and allows about 8000 at
// once; its builds park fewer processes.
#if defined(__SANITIZE_THREAD__)
constexpr int kMany = 3000, kSome = 2000;
#else
constexpr int kMany = 10000, kSome = 5000;
#endif

struct Waiting {};
struct Release {
  int token;
};
struct Released {
  int token;
};

void blocked_then_released(unsigned workers, int processes, bool timed) {
  auto rt = fiber_runtime(workers);
  const ExitReason r = rt->run([&](Process& self) {
    const Pid parent = self.self();
    std::vector<std::pair<Pid, Ref>> children;
    children.reserve(processes);
    for (int i = 0; i < processes; ++i) {
      children.push_back(self.spawn_monitor([parent, timed](Process& me) {
        me.send(parent, Waiting{});
        const Release rel = timed ? me.receive(on<Release>([](Release r) { return r; }),
                                               after(std::chrono::hours(1), [] { return Release{-1}; }))
                                  : me.receive<Release>();
        me.send(parent, Released{rel.token});
      }));
    }
    // Each child said it waits before it receives, and nothing is sent to
    // it until all have: every one of them is parked (or about to be) at once.
    for (int i = 0; i < processes; ++i) expect<Waiting>(self);
    EXPECT_EQ(self.runtime().process_count(), static_cast<std::size_t>(processes) + 1);
    for (int i = 0; i < processes; ++i) self.send(children[i].first, Release{i});
    // Released and Down in arrival order: one pass over the mailbox, not
    // a selective scan per child.
    long long sum = 0;
    int released = 0, ended_normally = 0;
    for (int i = 0; i < 2 * processes; ++i) {
      self.receive(on<Released>([&](Released m) {
                     sum += m.token;
                     ++released;
                   }),
                   on<Down>([&](const Down& d) { ended_normally += d.reason == ExitReason::normal(); }),
                   after(conformance::patience(), [] { FAIL() << "a child neither answered nor ended"; }));
    }
    EXPECT_EQ(released, processes);
    EXPECT_EQ(ended_normally, processes);
    EXPECT_EQ(sum, static_cast<long long>(processes) * (processes - 1) / 2) << "a child got the wrong message";
  });
  EXPECT_EQ(r, ExitReason::normal());
  rt->shutdown();
  EXPECT_EQ(rt->process_count(), 0u);
}

TEST(FiberStress, many_parked_in_receive_all_released) { blocked_then_released(2, kMany, false); }

TEST(FiberStress, many_parked_with_deadlines_all_released) { blocked_then_released(2, kMany, true); }

TEST(FiberStress, one_worker_holds_thousands) { blocked_then_released(1, kSome, false); }

}  // namespace
}  // namespace actorspec::fiber_backend
