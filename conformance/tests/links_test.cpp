// Conformance: links and how an ending travels along them (SPEC LNK-1..4,
// LNK-6..8, LNK-16, and LNK-5 along a chain). Exit signals sent with exit/2,
// trap_exit and kill are in exit_signals_test.cpp.
#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

struct Go {};
struct Never {};  // nobody sends it: receive<Never>() waits until a signal ends the process
struct Ping {
  Pid from;
};
struct Pong {
  Pid from;
};
struct Die {
  ExitReason reason;
};
// An Exit message a trapping helper process got, passed on to the test.
struct Forwarded {
  Pid by;
  Exit exit;
};
struct Chain {
  Pid a, b, c;
};
using Pids = std::vector<Pid>;

ExitReason boom() { return ExitReason::user("boom"); }

Pids sorted(Pids v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Answers Pings, passes Exit messages on to `to`, and ends on Die.
void serve(Process& self, Pid to) {
  for (;;) {
    self.receive(on<Ping>([&](Ping p) { self.send(p.from, Pong{self.self()}); }),
                 on<Exit>([&](Exit e) { self.send(to, Forwarded{self.self(), std::move(e)}); }),
                 on<Die>([&](Die d) { self.exit(std::move(d.reason)); }));
  }
}

// Fails the test (ExpectationTimeout) unless `p` answers a Ping: it is
// alive and has handled everything `self` sent it before.
void expect_pong(Process& self, Pid p) {
  self.send(p, Ping{self.self()});
  expect<Pong>(self, [p](const Pong& x) { return x.from == p; });
}

// A process that has ended.
Pid dead_process(Process& self) {
  const Pid p = self.spawn([](Process&) {});
  await_exit(self, p);
  return p;
}

// A - B - C, linked in a line, each serving. A is not linked to the caller.
// With `middle_traps`, B traps exits (and forwards the Exits it gets).
Chain spawn_chain(Process& self, bool middle_traps) {
  const Pid me = self.self();
  self.spawn([me, middle_traps](Process& a) {
    const Pid ap = a.self();
    a.spawn_link([me, ap, middle_traps](Process& b) {
      if (middle_traps) b.trap_exit(true);
      const Pid bp = b.self();
      b.spawn_link([me, ap, bp](Process& c) {
        c.send(me, Chain{ap, bp, c.self()});
        serve(c, me);
      });
      serve(b, me);
    });
    serve(a, me);
  });
  return expect<Chain>(self);
}

class Links : public RuntimeTest {};

// ---- LNK-1: links are bidirectional ----

TEST_P(Links, LNK_1_link_is_visible_from_both_sides) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    // Reports its links on every Ping.
    auto reporter = [](Process& c) {
      for (;;) {
        const Ping p = c.receive<Ping>();
        c.send(p.from, c.links());
      }
    };
    const Pid linked_by_us = self.spawn(reporter);
    self.link(linked_by_us);
    EXPECT_EQ(self.links(), Pids{linked_by_us});
    self.send(linked_by_us, Ping{me});
    EXPECT_EQ(expect<Pids>(self), Pids{me});

    const Pid linking_us = self.spawn([me, reporter](Process& c) {
      c.link(me);
      reporter(c);
    });
    self.send(linking_us, Ping{me});  // after its link call, which comes first in its body
    EXPECT_EQ(expect<Pids>(self), Pids{me});
    EXPECT_EQ(sorted(self.links()), sorted({linked_by_us, linking_us}));
  });
}

TEST_P(Links, LNK_1_either_side_ending_signals_the_other) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid me = self.self();
    // The side that called link ends...
    const Pid linker = self.spawn([me](Process& p) {
      p.link(me);
      p.exit(ExitReason::user("boom1"));
    });
    EXPECT_EQ(expect_exit_from(self, linker).reason, ExitReason::user("boom1"));
    // ...and the side that was linked to ends.
    const Pid linked = self.spawn([](Process& p) {
      p.receive<Go>();
      p.exit(ExitReason::user("boom2"));
    });
    self.link(linked);
    self.send(linked, Go{});
    EXPECT_EQ(expect_exit_from(self, linked).reason, ExitReason::user("boom2"));
  });
}

// ---- LNK-2: a link is there or not; it is not counted ----

TEST_P(Links, LNK_2_linking_twice_makes_one_link) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    const Pid q = self.spawn([me](Process& q) {
      q.receive<Go>();
      q.send(me, q.links());
      q.exit(boom());
    });
    self.link(q);
    self.link(q);
    EXPECT_EQ(self.links(), Pids{q});
    self.unlink(q);  // one unlink undoes both links
    EXPECT_TRUE(self.links().empty());
    const Ref ref = self.monitor(q);
    self.send(q, Go{});
    EXPECT_TRUE(expect<Pids>(self).empty()) << "q still holds a link to us";
    EXPECT_EQ(expect_down(self, ref).reason, boom());
    // We do not trap exits: had a link survived, q's crash would end us and
    // run() would report boom instead of normal.
  });
}

TEST_P(Links, LNK_2_link_to_self_is_a_no_op) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    self.link(self.self());
    EXPECT_TRUE(self.links().empty());
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

// ---- LNK-3: linking to a process that is not alive ----

TEST_P(Links, LNK_3_link_to_a_dead_process_throws_noproc_when_not_trapping) {
  run_to_end([](Process& self) {
    const Pid dead = dead_process(self);
    bool thrown = false;
    try {
      self.link(dead);
    } catch (const NoProc&) {
      thrown = true;
    }
    EXPECT_TRUE(thrown);
    EXPECT_TRUE(self.links().empty());
    EXPECT_EQ(self.mailbox_size(), 0u) << "a non-trapping caller gets the exception and nothing else";
  });
}

TEST_P(Links, LNK_3_uncaught_noproc_ends_the_caller) {
  const ExitReason r = run_for_reason([](Process& self) { self.link(dead_process(self)); });
  EXPECT_EQ(r.kind(), ExitReason::Kind::exception) << r;
  EXPECT_EQ(r.exception_type(), "actorspec::NoProc") << r;
}

// Found by the differential fuzzer (seed 4): link to a process whose end
// was accepted (LNK-18: not alive) but not finished made a link, and the
// caller then got the process's reason through it instead of noproc.
TEST_P(Links, LNK_3_link_right_after_an_accepted_exit_signal_is_a_link_to_a_dead_process) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    for (int i = 0; i < 20; ++i) {
      const Pid p = self.spawn([](Process& p) { p.receive<Never>(); });
      self.exit(p, boom());
      self.link(p);
      const Exit e = expect_exit_from(self, p);
      EXPECT_EQ(e.reason, ExitReason::noproc()) << "a link to a process is_alive calls dead";
      EXPECT_TRUE(self.links().empty());
    }
  });
}

TEST_P(Links, LNK_3_link_to_a_dead_process_when_trapping_queues_exit_noproc) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid dead = dead_process(self);
    self.link(dead);  // no exception
    const std::optional<Exit> e = self.receive_for<Exit>(0ms);  // already there when link returned
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->from, dead);
    EXPECT_EQ(e->reason, ExitReason::noproc());
    EXPECT_TRUE(self.links().empty());
  });
}

// ---- LNK-4: unlink ----

TEST_P(Links, LNK_4_unlink_stops_a_later_exit_signal) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    const Pid q = self.spawn([me](Process& q) {
      q.receive<Go>();
      q.send(me, q.links());
      q.exit(boom());
    });
    self.link(q);
    self.unlink(q);
    EXPECT_TRUE(self.links().empty());
    const Ref ref = self.monitor(q);
    self.send(q, Go{});  // after the unlink, so q sees it undone
    EXPECT_TRUE(expect<Pids>(self).empty());
    EXPECT_EQ(expect_down(self, ref).reason, boom());
    // Not trapping: a link signal from q would have ended us with boom.
  });
}

// Found by the differential fuzzer (conformance/differential, seed 9): the
// core locked the caller's own mutex twice and unlink(self()) hung forever.
TEST_P(Links, LNK_4_unlink_of_self_does_nothing) {
  run_to_end([](Process& self) {
    self.link(self.self());
    self.unlink(self.self());
    EXPECT_TRUE(self.links().empty());
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

TEST_P(Links, LNK_4_unlink_keeps_an_exit_already_in_the_mailbox) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid q = self.spawn_link([](Process& q) {
      q.receive<Go>();
      q.exit(boom());
    });
    self.send(q, Go{});
    ASSERT_TRUE(await_queued<Exit>(self, [q](const Exit& e) { return e.from == q; }));
    self.unlink(q);
    const std::optional<Exit> e = self.receive_for<Exit>(0ms);
    ASSERT_TRUE(e.has_value()) << "unlink removed an Exit already in the mailbox";
    EXPECT_EQ(e->from, q);
    EXPECT_EQ(e->reason, boom());
  });
}

TEST_P(Links, LNK_4_unlink_keeps_an_exit_signal_message_already_in_the_mailbox) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid me = self.self();
    const Pid q = self.spawn([me](Process& q) {
      q.exit(me, boom());  // becomes an Exit message: we trap
      q.send(me, Go{});    // ordered after it
      q.receive<Never>();
    });
    self.link(q);
    self.receive<Go>();  // so the Exit is in the mailbox now
    self.unlink(q);
    const std::optional<Exit> e = self.receive_for<Exit>(0ms);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->from, q);
    EXPECT_EQ(e->reason, boom());
  });
}

// ---- LNK-6: an abnormal end ends non-trapping partners with the same reason ----

TEST_P(Links, LNK_6_abnormal_end_ends_a_non_trapping_partner) {
  const ExitReason r = run_for_reason([](Process& a) {
    const Pid b = a.spawn([](Process& b) {
      b.receive<Go>();
      b.exit(boom());
    });
    a.link(b);
    a.send(b, Go{});
    a.receive<Never>();
  });
  EXPECT_EQ(r, boom());
}

TEST_P(Links, LNK_6_exception_reason_travels_unchanged) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    const Pid a = self.spawn([me](Process& a) {
      const Pid b = a.spawn_link([](Process& b) {
        b.receive<Go>();
        throw std::runtime_error("boom");
      });
      a.send(me, b);
      a.receive<Never>();
    });
    const Ref ra = self.monitor(a);
    const Pid b = expect<Pid>(self);
    const Ref rb = self.monitor(b);
    self.send(b, Go{});
    const ExitReason b_reason = expect_down(self, rb).reason;
    EXPECT_EQ(b_reason, ExitReason::exception("std::runtime_error", "boom"));
    EXPECT_EQ(expect_down(self, ra).reason, b_reason);
  });
}

TEST_P(Links, LNK_6_reason_travels_along_a_chain) {
  run_to_end([](Process& self) {
    for (const ExitReason& reason : {boom(), ExitReason::shutdown(), ExitReason::shutdown("x")}) {
      const Chain ch = spawn_chain(self, false);
      const Ref ra = self.monitor(ch.a), rb = self.monitor(ch.b), rc = self.monitor(ch.c);
      self.send(ch.c, Die{reason});
      EXPECT_EQ(expect_down(self, rc).reason, reason);
      EXPECT_EQ(expect_down(self, rb).reason, reason) << "only normal is special";
      EXPECT_EQ(expect_down(self, ra).reason, reason);
    }
  });
}

// ---- LNK-5 along links: kill arrives as killed, hop by hop ----

TEST_P(Links, LNK_5_kill_travels_as_killed_along_a_chain) {
  run_to_end([](Process& self) {
    const Chain ch = spawn_chain(self, false);
    const Ref ra = self.monitor(ch.a), rb = self.monitor(ch.b), rc = self.monitor(ch.c);
    self.exit(ch.c, ExitReason::kill());
    EXPECT_EQ(expect_down(self, rc).reason, ExitReason::killed());
    EXPECT_EQ(expect_down(self, rb).reason, ExitReason::killed());
    EXPECT_EQ(expect_down(self, ra).reason, ExitReason::killed());
  });
}

// ---- LNK-7: a normal end does not end non-trapping partners ----

TEST_P(Links, LNK_7_normal_end_leaves_a_non_trapping_partner_running) {
  run_to_end([](Process& self) {
    for (const bool by_exit : {false, true}) {  // returning, and exit(normal)
      const Pid b = self.spawn_link([by_exit](Process& b) {
        b.receive<Go>();
        if (by_exit) b.exit(ExitReason::normal());
      });
      const Ref ref = self.monitor(b);
      self.send(b, Go{});
      EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
    }
    // Still running, and not trapping: run() would report otherwise.
  });
}

TEST_P(Links, LNK_7_normal_end_does_not_travel_along_a_chain) {
  run_to_end([](Process& self) {
    const Chain ch = spawn_chain(self, false);
    const Ref rc = self.monitor(ch.c);
    self.send(ch.c, Die{ExitReason::normal()});
    EXPECT_EQ(expect_down(self, rc).reason, ExitReason::normal());
    expect_pong(self, ch.b);
    expect_pong(self, ch.a);
  });
}

// ---- LNK-8: a trapping process gets Exit messages and lives on ----

TEST_P(Links, LNK_8_trapping_process_gets_exit_messages_and_survives) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid b1 = self.spawn_link([](Process&) {});
    const Pid b2 = self.spawn_link([](Process& b) { b.exit(boom()); });
    EXPECT_EQ(expect_exit_from(self, b1).reason, ExitReason::normal());
    EXPECT_EQ(expect_exit_from(self, b2).reason, boom());
    EXPECT_TRUE(self.links().empty());
  });
}

TEST_P(Links, LNK_8_link_is_gone_once_the_exit_is_received) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid p = self.spawn_link([](Process& p) {
      p.receive<Go>();
      p.exit(boom());
    });
    EXPECT_EQ(self.links(), Pids{p});
    self.send(p, Go{});
    expect_exit_from(self, p);
    EXPECT_TRUE(self.links().empty());
  });
}

TEST_P(Links, LNK_8_trapping_middle_stops_propagation) {
  run_to_end([](Process& self) {
    const Chain ch = spawn_chain(self, true);
    const Ref rc = self.monitor(ch.c);
    self.send(ch.c, Die{boom()});
    EXPECT_EQ(expect_down(self, rc).reason, boom());
    const Forwarded f = expect<Forwarded>(self);
    EXPECT_EQ(f.by, ch.b);
    EXPECT_EQ(f.exit.from, ch.c);
    EXPECT_EQ(f.exit.reason, boom());
    expect_pong(self, ch.b);
    expect_pong(self, ch.a);
  });
}

// ---- LNK-16: spawn_link links before the child runs ----

TEST_P(Links, LNK_16_spawn_link_child_sees_the_link_at_once) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    self.spawn_link([me](Process& c) { c.send(me, c.links()); });
    EXPECT_EQ(expect<Pids>(self), Pids{me});
  });
}

TEST_P(Links, LNK_16_child_crashing_at_once_ends_non_trapping_parent) {
  const ExitReason r = run_for_reason([](Process& parent) {
    parent.spawn_link([](Process& c) { c.exit(boom()); });
    parent.receive<Never>();
  });
  EXPECT_EQ(r, boom());
}

TEST_P(Links, LNK_16_child_crashing_at_once_reaches_trapping_parent_as_exit) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid child = self.spawn_link([](Process& c) { c.exit(boom()); });
    EXPECT_EQ(expect_exit_from(self, child).reason, boom());
  });
}

ACTORSPEC_CONFORMANCE_SUITE(Links);

}  // namespace
}  // namespace actorspec::conformance
