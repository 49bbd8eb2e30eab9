// Conformance tests for the SPN rules (spec/SPEC.md): spawning
// processes and what happens when they end.
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Spawn : public RuntimeTest {};

struct Go {};
struct Ping {
  Pid from;
};
struct Pong {};
struct SelfIs {
  Pid pid;
};
struct Spawned {
  Pid child;
};
// Holds a share of a resource, to see when it is destroyed. Letting go is
// slow on purpose: a runtime that sent the Down before destroying it would
// be caught in the act (not a synchronisation: a correct runtime passes
// however the sleep falls).
struct SlowShare {
  std::shared_ptr<int> share;
  explicit SlowShare(std::shared_ptr<int> s) : share(std::move(s)) {}
  SlowShare(const SlowShare&) = default;
  SlowShare(SlowShare&&) = default;
  ~SlowShare() {
    if (share) std::this_thread::sleep_for(scaled(5ms));
  }
};

// ---- SPN-1 ------------------------------------------------------------------

TEST_P(Spawn, SPN_1_each_spawn_returns_a_fresh_pid_that_the_child_sees_as_self) {
  run([](Process& self) {
    const Pid me = self.self();
    auto report_self = [me](Process& c) { c.send(me, SelfIs{c.self()}); };
    std::vector<Pid> returned;
    std::multiset<Pid> reported;
    // Two rounds: the second spawns only after every child of the first has
    // ended, so a reused pid would show up as a duplicate.
    for (int round = 0; round < 2; ++round) {
      std::vector<Pid> this_round;
      for (int i = 0; i < 10; ++i) {
        this_round.push_back(self.spawn(report_self));
        this_round.push_back(self.spawn_link(report_self));
        this_round.push_back(self.spawn_monitor(report_self).first);
      }
      for (std::size_t i = 0; i < this_round.size(); ++i) reported.insert(expect<SelfIs>(self).pid);
      for (Pid p : this_round) await_exit(self, p);  // normal, or noproc if already gone: ended either way
      returned.insert(returned.end(), this_round.begin(), this_round.end());
    }
    const std::set<Pid> distinct(returned.begin(), returned.end());
    EXPECT_EQ(distinct.size(), returned.size()) << "a pid was handed out twice";
    EXPECT_EQ(distinct.count(me), 0u) << "a child got its spawner's pid";
    EXPECT_EQ(distinct.count(Pid{}), 0u) << "spawn returned the empty pid";
    EXPECT_EQ(std::multiset<Pid>(returned.begin(), returned.end()), reported)
        << "self() in a child differs from the pid spawn returned";
  });
}

TEST_P(Spawn, SPN_1_runtime_spawn_from_outside_returns_the_childs_own_pid) {
  std::vector<Pid> children;
  for (int i = 0; i < 10; ++i) {
    children.push_back(rt().spawn([](Process& c) {
      const Ping ping = expect<Ping>(c);
      c.send(ping.from, SelfIs{c.self()});
    }));
  }
  EXPECT_EQ(std::set<Pid>(children.begin(), children.end()).size(), children.size());
  run([&](Process& self) {
    for (Pid child : children) {
      EXPECT_NE(child, self.self());
      self.send(child, Ping{self.self()});
      EXPECT_EQ(expect<SelfIs>(self).pid, child);  // one question out at a time: the answer is child's
    }
  });
}

// ---- SPN-2 ------------------------------------------------------------------

TEST_P(Spawn, SPN_2_spawn_returns_while_the_child_still_waits_for_a_message) {
  run([](Process& self) {
    const Pid me = self.self();
    // The child can only finish after it hears from us, so a spawn that
    // waited for it would never return; a helper spawns it, and we give it
    // patience() to report that spawn returned.
    auto [helper, helper_ref] = self.spawn_monitor([me](Process& h) {
      const Pid child = h.spawn([](Process& c) {
        const Ping ping = expect<Ping>(c);
        c.send(ping.from, Pong{});
      });
      h.send(me, Spawned{child});
    });
    const Pid child = expect<Spawned>(self).child;
    self.send(child, Ping{me});
    expect<Pong>(self);
    EXPECT_EQ(expect_down(self, helper_ref).reason, ExitReason::normal());
    (void)helper;
  });
}

TEST_P(Spawn, SPN_2_a_message_sent_right_after_spawn_reaches_the_child) {
  run([](Process& self) {
    const Pid me = self.self();
    for (int i = 0; i < 50; ++i) {
      // Sent before the child's body has (most likely) started.
      const Pid child = self.spawn([me](Process& c) { c.send(me, expect<int>(c)); });
      self.send(child, i);
      EXPECT_EQ(expect<int>(self), i);
    }
  });
}

// ---- SPN-3 ------------------------------------------------------------------

TEST_P(Spawn, SPN_3_a_returning_body_ends_with_reason_normal_for_every_observer) {
  EXPECT_EQ(run_for_reason([](Process&) {}), ExitReason::normal());
  run([](Process& self) {
    auto [watched, ref] = self.spawn_monitor([](Process& c) { c.receive_for<int>(0ms); });
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());

    self.trap_exit(true);
    const Pid linked = self.spawn_link([](Process&) {});
    EXPECT_EQ(expect_exit_from(self, linked).reason, ExitReason::normal());
    (void)watched;
  });
}

// ---- SPN-4 ------------------------------------------------------------------

TEST_P(Spawn, SPN_4_spawning_an_empty_body_throws_bad_arg_and_starts_nothing) {
  EXPECT_THROW(rt().spawn(Body{}), BadArg);
  EXPECT_EQ(rt().process_count(), 0u);
  run([](Process& self) {
    const std::size_t before = self.runtime().process_count();
    void (*null_function)(Process&) = nullptr;
    EXPECT_THROW(self.spawn(Body{}), BadArg);
    EXPECT_THROW(self.spawn(null_function), BadArg);
    EXPECT_THROW(self.spawn_link(Body{}), BadArg);
    EXPECT_THROW(self.spawn_monitor(Body{}), BadArg);
    EXPECT_EQ(self.runtime().process_count(), before);
    EXPECT_TRUE(self.links().empty());
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

TEST_P(Spawn, SPN_4_an_uncaught_bad_arg_from_spawn_ends_the_caller) {
  const ExitReason reason = run_for_reason([](Process& self) { self.spawn(Body{}); });
  EXPECT_EQ(reason.kind(), ExitReason::Kind::exception) << reason;
  EXPECT_EQ(reason.exception_type(), "actorspec::BadArg") << reason;
}

// ---- SPN-5 ------------------------------------------------------------------

TEST_P(Spawn, SPN_5_an_unlinked_childs_crash_leaves_its_spawner_alone) {
  const std::vector<Body> crashes = {
      [](Process& c) {
        expect<Go>(c);
        throw std::runtime_error("boom");
      },
      [](Process& c) {
        expect<Go>(c);
        c.exit(ExitReason::user("boom"));
      },
      [](Process& c) {
        expect<Go>(c);
        c.exit(ExitReason::kill());
      },
  };
  for (const bool trapping : {false, true}) {
    for (const Body& crash : crashes) {
      run([&](Process& self) {
        self.trap_exit(trapping);
        const Pid child = self.spawn(crash);
        // The child waits for Go, so this monitor sees its real reason.
        const Ref ref = self.monitor(child);
        self.send(child, Go{});
        const ExitReason reason = expect_down(self, ref).reason;
        EXPECT_FALSE(reason.is_normal()) << reason;
        EXPECT_NE(reason, ExitReason::noproc());
        if (trapping) {
          // An Exit, were there a link, has no order against the Down (ORD-8).
          EXPECT_FALSE(self.receive_for<Exit>(scaled(50ms)).has_value()) << "trapping=" << trapping;
        }
        EXPECT_TRUE(drain(self).empty()) << "trapping=" << trapping;
        EXPECT_TRUE(self.links().empty());
      });
    }
  }
}

// ---- SPN-6 ------------------------------------------------------------------

TEST_P(Spawn, SPN_6_unreceived_messages_and_the_body_are_destroyed_before_the_down) {
  const std::vector<Body> endings = {
      [](Process& c) { expect<Go>(c); },  // normal, five SlowShares skipped
      [](Process& c) {
        expect<Go>(c);
        throw std::runtime_error("boom");
      },
  };
  for (std::size_t e = 0; e < endings.size(); ++e) {
    run([&](Process& self) {
      auto resource = std::make_shared<int>(0);
      const Body& ending = endings[e];
      auto [child, ref] =
          self.spawn_monitor([ending, captured = SlowShare(resource)](Process& c) { ending(c); });
      for (int i = 0; i < 5; ++i) self.send(child, SlowShare(resource));
      self.send(child, Go{});  // behind the SlowShares: the child never takes them
      const ExitReason reason = expect_down(self, ref).reason;
      EXPECT_EQ(reason.is_normal(), e == 0) << reason;
      // Only our own share is left: the body's capture and the five
      // messages are gone by the time the Down arrives.
      EXPECT_EQ(resource.use_count(), 1) << "ending " << e;
      // The sender is unaffected, and sending to the ended child is harmless.
      self.send(child, SlowShare(resource));
      EXPECT_TRUE(drain(self).empty());
    });
  }
}

ACTORSPEC_CONFORMANCE_SUITE(Spawn);

}  // namespace
}  // namespace actorspec::conformance
