// Conformance: monitors and Down messages (SPEC MON-1..10).
#include <atomic>
#include <stdexcept>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

struct Go {};
struct Never {};  // nobody sends it: receive<Never>() waits until a signal ends the process
struct Die {
  ExitReason reason;
};
// A Down a helper process got, passed on to the test.
struct ForwardedDown {
  Down down;
};

ExitReason boom() { return ExitReason::user("boom"); }

void park(Process& self) { self.receive<Never>(); }

// Waits for a Die and ends with its reason.
void die_on_request(Process& self) { self.exit(self.receive<Die>().reason); }

// A process that has ended.
Pid dead_process(Process& self) {
  const Pid p = self.spawn([](Process&) {});
  await_exit(self, p);
  return p;
}

// Downs in the mailbox for `ref`, taken out without blocking.
int take_downs_for(Process& self, Ref ref) {
  int n = 0;
  while (self.receive(on<Down>([ref](const Down& d) { return d.ref == ref; }, [] { return true; }),
                      after(0ms, [] { return false; })))
    ++n;
  return n;
}

class Monitors : public RuntimeTest {};

// ---- MON-1: a Down when the monitored process ends ----

TEST_P(Monitors, MON_1_down_carries_ref_pid_and_reason) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    const Ref ref = self.monitor(p);
    EXPECT_TRUE(ref);
    self.send(p, Die{boom()});
    const Down d = expect<Down>(self);
    EXPECT_EQ(d.ref, ref);
    EXPECT_EQ(d.pid, p);
    EXPECT_FALSE(d.name.has_value());
    EXPECT_EQ(d.reason, boom());
  });
}

TEST_P(Monitors, MON_1_down_reason_is_how_the_process_ended) {
  run_to_end([](Process& self) {
    // Returned: normal.
    const Pid returns = self.spawn([](Process& p) { p.receive<Go>(); });
    const Ref r1 = self.monitor(returns);
    self.send(returns, Go{});
    EXPECT_EQ(expect_down(self, r1).reason, ExitReason::normal());

    // Killed with exit(P, kill): killed, not kill.
    const Pid killed = self.spawn(park);
    const Ref r2 = self.monitor(killed);
    self.exit(killed, ExitReason::kill());
    EXPECT_EQ(expect_down(self, r2).reason, ExitReason::killed());

    // An uncaught exception: its type and what().
    const Pid throws = self.spawn([](Process& p) {
      p.receive<Go>();
      throw std::runtime_error("boom");
    });
    const Ref r3 = self.monitor(throws);
    self.send(throws, Go{});
    EXPECT_EQ(expect_down(self, r3).reason, ExitReason::exception("std::runtime_error", "boom"));
  });
}

// ---- MON-2: monitoring a process that is not alive ----

// Found by the differential fuzzer (seed 13): a process whose end was
// accepted (LNK-18: not alive) but which had not finished unwinding was
// still monitored, and the Down carried its reason instead of noproc. On
// the BEAM the monitor follows the exit signal and finds the process gone.
TEST_P(Monitors, MON_2_monitoring_right_after_an_accepted_exit_signal_gives_a_noproc_down) {
  run_to_end([](Process& self) {
    for (int i = 0; i < 20; ++i) {
      const Pid p = self.spawn([](Process& p) { p.receive<Never>(); });
      self.exit(p, boom());
      const Ref ref = self.monitor(p);
      const Down d = expect_down(self, ref);
      EXPECT_EQ(d.pid, p);
      EXPECT_EQ(d.reason, ExitReason::noproc()) << "monitor of a process is_alive calls dead";
    }
  });
}

TEST_P(Monitors, MON_2_monitoring_a_dead_process_gives_a_noproc_down) {
  run_to_end([](Process& self) {
    const Pid dead = dead_process(self);
    const Ref ref = self.monitor(dead);  // no exception
    EXPECT_TRUE(ref);
    // Maybe already queued, maybe not yet (SPEC MON-2): wait for it either way.
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.pid, dead);
    EXPECT_FALSE(d.name.has_value());
    EXPECT_EQ(d.reason, ExitReason::noproc());
  });
}

// ---- MON-3: every monitor call is its own monitor ----

TEST_P(Monitors, MON_3_each_monitor_gets_its_own_ref_and_down) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    const Ref r1 = self.monitor(p);
    const Ref r2 = self.monitor(p);
    EXPECT_NE(r1, r2);
    self.send(p, Die{boom()});
    const Down d1 = expect_down(self, r1);
    const Down d2 = expect_down(self, r2);
    EXPECT_EQ(d1.pid, p);
    EXPECT_EQ(d2.pid, p);
    EXPECT_EQ(d1.reason, boom());
    EXPECT_EQ(d2.reason, boom());
    EXPECT_EQ(take_downs_for(self, r1) + take_downs_for(self, r2), 0) << "a monitor fired twice";
  });
}

// ---- MON-4: monitoring is one-way ----

TEST_P(Monitors, MON_4_watcher_ending_leaves_the_target_alone) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    // The watcher monitors us, then crashes.
    const Pid watcher = self.spawn([me](Process& w) {
      w.monitor(me);
      w.receive<Go>();
      w.exit(boom());
    });
    const Ref ref = self.monitor(watcher);
    self.send(watcher, Go{});  // after its monitor call, which comes first in its body
    EXPECT_EQ(expect_down(self, ref).reason, boom());
    // We got no Down or Exit of our own from its end, and are still running
    // (not trapping: an exit signal would have ended us).
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

// ---- MON-5: demonitor ----

TEST_P(Monitors, MON_5_demonitor_prevents_a_later_down) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    const Ref removed = self.monitor(p);
    const Ref kept = self.monitor(p);
    EXPECT_TRUE(self.demonitor(removed));
    self.send(p, Die{boom()});
    EXPECT_EQ(expect_down(self, kept).reason, boom());
    EXPECT_EQ(take_downs_for(self, removed), 0);
  });
}

TEST_P(Monitors, MON_5_demonitor_reports_whether_it_removed_a_live_monitor) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    const Pid p = self.spawn(die_on_request);
    const Ref ref = self.monitor(p);
    EXPECT_TRUE(self.demonitor(ref));
    EXPECT_FALSE(self.demonitor(ref)) << "already removed";

    // A monitor held by another process is not ours to remove.
    const Pid other = self.spawn([me, p](Process& o) {
      const Ref theirs = o.monitor(p);
      o.send(me, theirs);
      o.send(me, ForwardedDown{expect_down(o, theirs)});
    });
    const Ref theirs = expect<Ref>(self);
    EXPECT_FALSE(self.demonitor(theirs));

    const Ref fired = self.monitor(p);
    self.send(p, Die{boom()});
    EXPECT_EQ(expect_down(self, fired).reason, boom());
    EXPECT_FALSE(self.demonitor(fired)) << "the monitor had already fired";
    const ForwardedDown f = expect<ForwardedDown>(self);
    EXPECT_EQ(f.down.ref, theirs) << "the other process's monitor was removed";
    EXPECT_EQ(f.down.reason, boom());
    (void)other;
  });
}

// ---- MON-6: a Down already in the mailbox ----

TEST_P(Monitors, MON_6_demonitor_leaves_a_delivered_down_in_the_mailbox) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    const Ref ref = self.monitor(p);
    self.send(p, Die{boom()});
    ASSERT_TRUE(await_queued<Down>(self, [ref](const Down& d) { return d.ref == ref; }));
    EXPECT_FALSE(self.demonitor(ref));
    EXPECT_EQ(take_downs_for(self, ref), 1);
  });
}

TEST_P(Monitors, MON_6_demonitor_with_flush_removes_a_delivered_down) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    const Ref ref = self.monitor(p);
    self.send(p, Die{boom()});
    ASSERT_TRUE(await_queued<Down>(self, [ref](const Down& d) { return d.ref == ref; }));
    self.send(self.self(), Go{});  // other messages stay
    EXPECT_FALSE(self.demonitor(ref, DemonitorOption::flush));
    EXPECT_EQ(take_downs_for(self, ref), 0);
    EXPECT_EQ(self.mailbox_size(), 1u);
  });
}

TEST_P(Monitors, MON_6_demonitor_with_flush_on_a_live_monitor) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    const Ref removed = self.monitor(p);
    const Ref kept = self.monitor(p);
    EXPECT_TRUE(self.demonitor(removed, DemonitorOption::flush));
    self.send(p, Die{boom()});
    EXPECT_EQ(expect_down(self, kept).reason, boom());
    EXPECT_EQ(take_downs_for(self, removed), 0);
  });
}

// ---- MON-7: monitoring yourself creates nothing ----

TEST_P(Monitors, MON_7_monitoring_yourself_creates_nothing) {
  run_to_end([](Process& self) {
    const Ref own = self.monitor(self.self());
    EXPECT_TRUE(own);
    const Pid p = self.spawn(park);
    const Ref other = self.monitor(p);
    EXPECT_NE(own, other);
    EXPECT_FALSE(self.demonitor(own)) << "there was no monitor to remove";
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

// ---- MON-8: monitor by name ----

TEST_P(Monitors, MON_8_monitor_by_name_down_carries_the_name) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn(die_on_request);
    self.register_name("mon8_target", p);
    const Ref ref = self.monitor("mon8_target");
    self.send(p, Die{boom()});
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.name, std::optional<std::string>("mon8_target"));
    EXPECT_EQ(d.pid, p);
    EXPECT_EQ(d.reason, boom());
  });
}

TEST_P(Monitors, MON_8_monitor_of_an_unregistered_name_gives_a_noproc_down) {
  run_to_end([](Process& self) {
    const Ref ref = self.monitor("mon8_nobody");  // no exception
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.name, std::optional<std::string>("mon8_nobody"));
    EXPECT_FALSE(d.pid);
    EXPECT_EQ(d.reason, ExitReason::noproc());
  });
}

TEST_P(Monitors, MON_8_monitor_by_name_stays_with_the_process_found) {
  run_to_end([](Process& self) {
    const Pid first = self.spawn(die_on_request);
    const Pid second = self.spawn(die_on_request);
    self.register_name("svc", first);
    const Ref ref = self.monitor("svc");
    self.unregister_name("svc");
    self.register_name("svc", second);

    self.send(first, Die{ExitReason::user("first_died")});
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.pid, first);
    EXPECT_EQ(d.name, std::optional<std::string>("svc"));
    EXPECT_EQ(d.reason, ExitReason::user("first_died"));

    const Ref second_ref = self.monitor(second);
    self.send(second, Die{boom()});
    EXPECT_EQ(expect_down(self, second_ref).reason, boom());
    EXPECT_EQ(take_downs_for(self, ref), 0) << "the monitor followed the name";
  });
}

// ---- MON-9: spawn_monitor ----

TEST_P(Monitors, MON_9_spawn_monitor_child_ending_at_once) {
  run_to_end([](Process& self) {
    auto [child, ref] = self.spawn_monitor([](Process& c) { c.exit(boom()); });
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.pid, child);
    EXPECT_EQ(d.reason, boom());
    EXPECT_TRUE(self.links().empty()) << "spawn_monitor does not link";
    // Still running and not trapping: the child's crash did not reach us.
  });
}

// ---- MON-10: a process is not alive once its Down has come ----

TEST_P(Monitors, MON_10_not_alive_after_its_down) {
  run_to_end([](Process& self) {
    for (int i = 0; i < 20; ++i) {
      const Pid p = self.spawn(die_on_request);
      const Ref ref = self.monitor(p);
      self.send(p, Die{i % 2 ? boom() : ExitReason::normal()});
      expect_down(self, ref);
      EXPECT_FALSE(self.is_alive(p)) << "trial " << i;
    }
  });
}

ACTORSPEC_CONFORMANCE_SUITE(Monitors);

}  // namespace
}  // namespace actorspec::conformance
