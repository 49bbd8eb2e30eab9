// A crash storm (LNK-6, LNK-8, ORD-6): a tree of linked processes, every
// node also linked to one trapping supervisor. One node throws; the crash
// spreads through the tree's links, every node ends with the thrower's
// reason, and the supervisor receives exactly one Exit per node, each with
// that reason, and nothing else.

#include <chrono>
#include <random>
#include <stdexcept>
#include <unordered_set>

#include "stress_fixture.hpp"

namespace actorspec::stress {
namespace {

using conformance::patience;

struct Ready {
  Pid node;
};
struct Crash {};

constexpr int kBranching = 4;

// Node `index` of a complete kBranching-ary tree of `size` nodes: links to
// the supervisor, starts its children linked to itself, says Ready, waits.
void node(Process& self, Pid supervisor, long index, long size) {
  self.link(supervisor);
  for (long c = index * kBranching + 1; c <= index * kBranching + kBranching && c < size; ++c)
    self.spawn_link([supervisor, c, size](Process& child) { node(child, supervisor, c, size); });
  self.send(supervisor, Ready{self.self()});
  self.receive<Crash>();
  throw std::runtime_error("crash storm");
}

class CrashStorm : public conformance::RuntimeTest {};

TEST_P(CrashStorm, one_crash_ends_the_tree_with_its_reason_and_the_supervisor_gets_every_exit) {
  const long size = static_cast<long>(size_for("ACTORSPEC_STRESS_TREE", GetParam(), {.pooled = 5000, .thread = 500}));
  const auto start = std::chrono::steady_clock::now();
  run([&](Process& self) {
    self.trap_exit(true);
    const Pid me = self.self();
    self.spawn([me, size](Process& root) { node(root, me, 0, size); });
    std::vector<Pid> nodes;
    for (long i = 0; i < size; ++i) {
      const auto r = self.receive_for<Ready>(patience());
      ASSERT_TRUE(r) << "only " << i << " of " << size << " nodes started";
      nodes.push_back(r->node);
    }
    ASSERT_EQ(self.links().size(), static_cast<std::size_t>(size));
    std::mt19937 rng(static_cast<unsigned>(size));
    self.send(nodes[rng() % nodes.size()], Crash{});

    const ExitReason expected = ExitReason::exception("std::runtime_error", "crash storm");
    std::unordered_set<Pid> pending(nodes.begin(), nodes.end());
    for (long i = 0; i < size; ++i) {
      const auto e = self.receive_for<Exit>(patience());
      ASSERT_TRUE(e) << "only " << i << " of " << size << " Exit messages arrived";
      ASSERT_EQ(pending.erase(e->from), 1u) << "an Exit from " << e->from << ", which is no node or came twice";
      ASSERT_EQ(e->reason, expected) << "node " << e->from << " ended with the wrong reason";
    }
    EXPECT_TRUE(self.links().empty());
    EXPECT_FALSE(self.receive_for<Exit>(std::chrono::milliseconds(0))) << "an Exit beyond one per node";
    EXPECT_EQ(self.mailbox_size(), 0u);
    for (Pid n : nodes) EXPECT_FALSE(self.is_alive(n));
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report("crash_storm", GetParam(), "processes=" + std::to_string(size) + " seconds=" + std::to_string(secs));
}

ACTORSPEC_STRESS_SUITE(CrashStorm);

}  // namespace
}  // namespace actorspec::stress
