// Conformance: exit signals sent with exit/2 and exit/1, kill, trap_exit,
// exit reasons, and when a signal takes effect (SPEC LNK-5, LNK-9..15,
// LNK-17..19). Links themselves are in links_test.cpp.
#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

struct Go {};
struct Never {};  // nobody sends it: receive<Never>() waits until a signal ends the process
struct Ready {
  Pid pid;
};
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
// P linked to Q (not trapping) and to R (trapping).
struct Trio {
  Pid p, q, r;
};

ExitReason boom() { return ExitReason::user("boom"); }

void park(Process& self) { self.receive<Never>(); }

// Answers Pings, passes Exit messages on to `to`, and ends on Die.
void serve(Process& self, Pid to) {
  for (;;) {
    self.receive(on<Ping>([&](Ping p) { self.send(p.from, Pong{self.self()}); }),
                 on<Exit>([&](Exit e) { self.send(to, Forwarded{self.self(), std::move(e)}); }),
                 on<Die>([&](Die d) { self.exit(std::move(d.reason)); }));
  }
}

// Fails the test (ExpectationTimeout) unless `p` answers a Ping: it is
// alive and has handled every signal `self` sent it before.
void expect_pong(Process& self, Pid p) {
  self.send(p, Ping{self.self()});
  expect<Pong>(self, [p](const Pong& x) { return x.from == p; });
}

Ready expect_ready(Process& self, Pid p) {
  return expect<Ready>(self, [p](const Ready& r) { return r.pid == p; });
}

// A serving process that traps exits; returns once it does.
Pid spawn_trapping(Process& self) {
  const Pid me = self.self();
  const Pid p = self.spawn([me](Process& p) {
    p.trap_exit(true);
    p.send(me, Ready{p.self()});
    serve(p, me);
  });
  expect_ready(self, p);
  return p;
}

// P (trapping if `p_traps`) linked to a parked Q and to a trapping R; R
// forwards its Exits to the caller. Returns once R traps exits.
Trio spawn_trio(Process& self, bool p_traps) {
  const Pid me = self.self();
  self.spawn([me, p_traps](Process& p) {
    if (p_traps) p.trap_exit(true);
    const Pid q = p.spawn_link(park);
    const Pid r = p.spawn_link([me](Process& r) {
      r.trap_exit(true);
      r.send(me, Ready{r.self()});
      serve(r, me);
    });
    p.send(me, Trio{p.self(), q, r});
    serve(p, me);
  });
  const Trio t = expect<Trio>(self);
  expect_ready(self, t.r);
  return t;
}

// A process that has ended.
Pid dead_process(Process& self) {
  const Pid p = self.spawn([](Process&) {});
  await_exit(self, p);
  return p;
}

// A process that never parks: it polls its mailbox (receive with after 0)
// in a loop, its only calls into the runtime. Returns once it loops.
Pid spawn_busy(Process& self) {
  const Pid me = self.self();
  const Pid p = self.spawn([me](Process& p) {
    p.send(me, Ready{p.self()});
    for (;;) p.receive(on<Never>([] {}), after(0ms, [] {}));
  });
  expect_ready(self, p);
  return p;
}

class ExitSignals : public RuntimeTest {};

// ---- LNK-5: kill sent with exit/2 cannot be trapped ----

TEST_P(ExitSignals, LNK_5_kill_is_untrappable) {
  run_to_end([](Process& self) {
    const Trio t = spawn_trio(self, true);
    const Ref rp = self.monitor(t.p), rq = self.monitor(t.q);
    self.exit(t.p, ExitReason::kill());
    EXPECT_EQ(expect_down(self, rp).reason, ExitReason::killed());
    // P's partners see `killed`, not `kill`: they are not killed themselves
    // by an untrappable signal, they get P's reason.
    EXPECT_EQ(expect_down(self, rq).reason, ExitReason::killed());
    const Forwarded f = expect<Forwarded>(self);
    EXPECT_EQ(f.by, t.r);
    EXPECT_EQ(f.exit.from, t.p);
    EXPECT_EQ(f.exit.reason, ExitReason::killed());
    expect_pong(self, t.r);
  });
}

TEST_P(ExitSignals, LNK_5_kill_ends_a_process_parked_in_receive) {
  run_to_end([](Process& self) {
    for (const bool traps : {false, true}) {
      const Pid p = traps ? spawn_trapping(self) : self.spawn(park);
      const Ref ref = self.monitor(p);
      self.exit(p, ExitReason::kill());
      EXPECT_EQ(expect_down(self, ref).reason, ExitReason::killed());
    }
  });
}

TEST_P(ExitSignals, LNK_5_kill_from_outside_the_runtime_is_untrappable) {
  // R links P and forwards P's Exit through a promise: the test's thread
  // is outside the runtime and cannot receive.
  auto p_traps = std::make_shared<std::promise<Pid>>();
  auto r_got = std::make_shared<std::promise<Exit>>();
  auto p_traps_f = p_traps->get_future();
  auto r_got_f = r_got->get_future();
  rt().spawn([p_traps, r_got](Process& r) {
    r.trap_exit(true);
    r.spawn_link([p_traps](Process& p) {
      p.trap_exit(true);
      p_traps->set_value(p.self());
      park(p);
    });
    r_got->set_value(r.receive<Exit>());
  });
  ASSERT_EQ(p_traps_f.wait_for(patience()), std::future_status::ready);
  const Pid p = p_traps_f.get();
  rt().exit(p, ExitReason::kill());
  ASSERT_EQ(r_got_f.wait_for(patience()), std::future_status::ready);
  const Exit e = r_got_f.get();
  EXPECT_EQ(e.from, p);
  EXPECT_EQ(e.reason, ExitReason::killed());
}

TEST_P(ExitSignals, LNK_5_killing_your_own_partner_kills_you) {
  const ExitReason r = run_for_reason([](Process& c) {
    const Pid p = c.spawn_link(park);
    c.exit(p, ExitReason::kill());
    c.receive<Never>();
  });
  EXPECT_EQ(r, ExitReason::killed());
}

TEST_P(ExitSignals, LNK_5_trapping_process_killing_itself_dies_killed) {
  std::atomic<bool> went_on{false};
  const ExitReason r = run_for_reason([&went_on](Process& self) {
    self.trap_exit(true);
    self.exit(self.self(), ExitReason::kill());
    went_on = true;
  });
  EXPECT_EQ(r, ExitReason::killed());
  EXPECT_FALSE(went_on) << "exit(self, kill) returned";
}

// ---- LNK-9: exit(kill) from the body is an ordinary reason along links ----

TEST_P(ExitSignals, LNK_9_exit_kill_from_the_body_is_an_ordinary_reason) {
  run_to_end([](Process& self) {
    for (const bool p_traps : {false, true}) {  // trapping changes nothing for exit/1
      const Trio t = spawn_trio(self, p_traps);
      const Ref rp = self.monitor(t.p), rq = self.monitor(t.q);
      self.send(t.p, Die{ExitReason::kill()});  // P calls exit(kill)
      EXPECT_EQ(expect_down(self, rp).reason, ExitReason::kill());
      EXPECT_EQ(expect_down(self, rq).reason, ExitReason::kill());
      const Forwarded f = expect<Forwarded>(self);
      EXPECT_EQ(f.by, t.r);
      EXPECT_EQ(f.exit.from, t.p);
      EXPECT_EQ(f.exit.reason, ExitReason::kill());
      expect_pong(self, t.r);  // a trapping partner survives a link's kill
    }
  });
}

// ---- LNK-10: killed is an ordinary reason ----

TEST_P(ExitSignals, LNK_10_killed_is_an_ordinary_reason) {
  run_to_end([](Process& self) {
    const Pid trapping = spawn_trapping(self);
    self.exit(trapping, ExitReason::killed());
    const Forwarded f = expect<Forwarded>(self);
    EXPECT_EQ(f.exit.from, self.self());
    EXPECT_EQ(f.exit.reason, ExitReason::killed());
    expect_pong(self, trapping);

    const Pid plain = self.spawn(park);
    const Ref ref = self.monitor(plain);
    self.exit(plain, ExitReason::killed());
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::killed());
  });
}

// ---- LNK-11: exit/2 with any other reason, with or without a link ----

TEST_P(ExitSignals, LNK_11_trapping_process_gets_exit_message_without_a_link) {
  run_to_end([](Process& self) {
    const Pid p = spawn_trapping(self);
    self.exit(p, boom());
    const Forwarded f = expect<Forwarded>(self);
    EXPECT_EQ(f.exit.from, self.self());
    EXPECT_EQ(f.exit.reason, boom());
    expect_pong(self, p);
  });
}

TEST_P(ExitSignals, LNK_11_non_trapping_process_dies_and_its_links_follow) {
  run_to_end([](Process& self) {
    const Trio t = spawn_trio(self, false);
    const Ref rp = self.monitor(t.p), rq = self.monitor(t.q);
    self.exit(t.p, boom());
    EXPECT_EQ(expect_down(self, rp).reason, boom());
    EXPECT_EQ(expect_down(self, rq).reason, boom());
    const Forwarded f = expect<Forwarded>(self);
    EXPECT_EQ(f.exit.from, t.p);
    EXPECT_EQ(f.exit.reason, boom());
  });
}

TEST_P(ExitSignals, LNK_11_exit_signal_from_outside_the_runtime_has_no_sender) {
  auto ready = std::make_shared<std::promise<Pid>>();
  auto got = std::make_shared<std::promise<Exit>>();
  auto ready_f = ready->get_future();
  auto got_f = got->get_future();
  rt().spawn([ready, got](Process& p) {
    p.trap_exit(true);
    ready->set_value(p.self());
    got->set_value(p.receive<Exit>());
  });
  ASSERT_EQ(ready_f.wait_for(patience()), std::future_status::ready);
  rt().exit(ready_f.get(), boom());
  ASSERT_EQ(got_f.wait_for(patience()), std::future_status::ready);
  const Exit e = got_f.get();
  EXPECT_FALSE(e.from) << "from should be empty, is " << e.from;
  EXPECT_EQ(e.reason, boom());
}

// ---- LNK-12: exit/2 with normal ----

TEST_P(ExitSignals, LNK_12_normal_exit_signal_is_ignored_by_non_trapping_process) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn([](Process& p) { serve(p, Pid{}); });
    self.exit(p, ExitReason::normal());
    expect_pong(self, p);  // the Ping came after the signal, so the signal was handled
    EXPECT_TRUE(self.is_alive(p));
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

TEST_P(ExitSignals, LNK_12_normal_exit_signal_reaches_trapping_process_as_message) {
  run_to_end([](Process& self) {
    const Pid p = spawn_trapping(self);
    self.exit(p, ExitReason::normal());
    const Forwarded f = expect<Forwarded>(self);
    EXPECT_EQ(f.exit.from, self.self());
    EXPECT_EQ(f.exit.reason, ExitReason::normal());
  });
}

TEST_P(ExitSignals, LNK_12_normal_exit_signal_to_self_ends_non_trapping_process) {
  std::atomic<bool> went_on{false};
  const ExitReason r = run_for_reason([&went_on](Process& self) {
    self.exit(self.self(), ExitReason::normal());
    went_on = true;
  });
  EXPECT_EQ(r, ExitReason::normal());
  EXPECT_FALSE(went_on) << "exit(self, normal) returned to a non-trapping process";
}

TEST_P(ExitSignals, LNK_12_normal_exit_signal_to_self_is_a_message_when_trapping) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    self.exit(self.self(), ExitReason::normal());
    const std::optional<Exit> e = self.receive_for<Exit>(0ms);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->from, self.self());
    EXPECT_EQ(e->reason, ExitReason::normal());
  });
}

// ---- LNK-13: the trap_exit flag ----

TEST_P(ExitSignals, LNK_13_trap_exit_returns_the_previous_value) {
  run_to_end([](Process& self) {
    EXPECT_FALSE(self.trapping_exits());
    EXPECT_FALSE(self.trap_exit(true));
    EXPECT_TRUE(self.trap_exit(true));
    EXPECT_TRUE(self.trapping_exits());
    EXPECT_TRUE(self.trap_exit(false));
    EXPECT_FALSE(self.trap_exit(false));
    EXPECT_FALSE(self.trapping_exits());
  });
}

TEST_P(ExitSignals, LNK_13_queued_exit_stays_a_message_after_trapping_stops) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    const Pid me = self.self();
    const Pid q = self.spawn([me](Process& q) {
      q.exit(me, boom());
      q.send(me, Go{});  // ordered after the signal
    });
    self.receive<Go>();  // the Exit is in the mailbox now
    self.trap_exit(false);
    const std::optional<Exit> e = self.receive_for<Exit>(0ms);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->from, q);
    EXPECT_EQ(e->reason, boom());
  });
}

// ---- LNK-14: exit/1 is an exception; an exit signal is not ----

TEST_P(ExitSignals, LNK_14_exit1_is_catchable_an_exit_signal_is_not) {
  std::optional<ExitReason> caught;
  std::atomic<bool> handler_ran{false}, went_on{false};
  const ExitReason r = run_for_reason([&](Process& self) {
    try {
      self.exit(ExitReason::user("foo"));
    } catch (const ProcessExit& e) {
      caught = e.reason;
    }
    try {
      self.exit(self.self(), ExitReason::user("bar"));
    } catch (const ProcessExit&) {
      handler_ran = true;
    } catch (const std::exception&) {
      handler_ran = true;
    }
    went_on = true;
  });
  EXPECT_EQ(caught, ExitReason::user("foo"));
  EXPECT_EQ(r, ExitReason::user("bar"));
  EXPECT_FALSE(handler_ran);
  EXPECT_FALSE(went_on);
}

TEST_P(ExitSignals, LNK_14_swallowed_exit_signal_still_ends_the_process) {
  for (const bool call_again : {true, false}) {
    std::atomic<bool> swallowed{false}, went_on{false};
    const ExitReason r = run_for_reason([&](Process& self) {
      try {
        self.exit(self.self(), ExitReason::user("bar"));
      } catch (...) {
        swallowed = true;  // C++ cannot stop catch (...) from seeing the unwind
      }
      if (call_again) {
        self.receive_for<Never>(0ms);  // the next call into the runtime unwinds again
        went_on = true;
      }
    });
    EXPECT_TRUE(swallowed);
    EXPECT_FALSE(went_on);
    EXPECT_EQ(r, ExitReason::user("bar")) << "call_again=" << call_again;
  }
}

// ---- LNK-15: exit reasons of a process that ends ----

struct CustomError : std::out_of_range {
  using std::out_of_range::out_of_range;
};

TEST_P(ExitSignals, LNK_15_exit_reason_of_an_ending_process) {
  run_to_end([](Process& self) {
    self.trap_exit(true);
    auto reason_of = [&self](Body body) { return expect_exit_from(self, self.spawn_link(std::move(body))).reason; };

    EXPECT_EQ(reason_of([](Process&) { throw std::runtime_error("boom"); }),
              ExitReason::exception("std::runtime_error", "boom"));
    // The dynamic type, not the type it was caught as.
    EXPECT_EQ(reason_of([](Process&) { throw std::out_of_range("oor"); }),
              ExitReason::exception("std::out_of_range", "oor"));
    // Not derived from std::exception: still an exception reason.
    EXPECT_EQ(reason_of([](Process&) { throw 42; }).kind(), ExitReason::Kind::exception);
    // exit/1: exactly the reason given, nothing added.
    EXPECT_EQ(reason_of([](Process& p) { p.exit(ExitReason::user("foo")); }), ExitReason::user("foo"));
    EXPECT_EQ(reason_of([](Process&) {}), ExitReason::normal());
  });
}

// ---- LNK-17: a signal takes effect without the target receiving ----

TEST_P(ExitSignals, LNK_17_busy_process_is_ended_at_its_next_runtime_call) {
  run_to_end([](Process& self) {
    for (const ExitReason& signal : {ExitReason::kill(), boom()}) {
      const Pid p = spawn_busy(self);
      const Ref ref = self.monitor(p);
      self.exit(p, signal);
      EXPECT_EQ(expect_down(self, ref).reason, signal == ExitReason::kill() ? ExitReason::killed() : signal);
    }
  });
}

TEST_P(ExitSignals, LNK_17_any_runtime_call_applies_a_pending_signal) {
  run_to_end([](Process& self) {
    const Pid me = self.self();
    auto looped_on = std::make_shared<std::atomic<bool>>(false);
    const Pid p = self.spawn([me, looped_on](Process& p) {
      p.send(me, Ready{p.self()});
      // Never receives. Bounded, so a runtime that never applies the signal
      // fails the test instead of hanging it.
      const auto deadline = std::chrono::steady_clock::now() + patience();
      while (std::chrono::steady_clock::now() < deadline) (void)p.mailbox_size();
      *looped_on = true;  // a call applied the signal: never reached
    });
    expect_ready(self, p);
    const Ref ref = self.monitor(p);
    self.exit(p, boom());
    EXPECT_EQ(expect_down(self, ref).reason, boom());
    EXPECT_FALSE(*looped_on) << "the process ran on through its calls after the signal";
  });
}

TEST_P(ExitSignals, LNK_17_process_parked_in_receive_is_ended_at_once) {
  run_to_end([](Process& self) {
    const Pid p = self.spawn([](Process& p) { p.receive<Never>(); });
    const Ref ref = self.monitor(p);
    self.exit(p, boom());
    EXPECT_EQ(expect_down(self, ref).reason, boom());
  });
}

// ---- LNK-18: is_alive is false as soon as an ending signal is accepted ----

TEST_P(ExitSignals, LNK_18_not_alive_right_after_an_ending_exit_signal) {
  run_to_end([](Process& self) {
    for (int i = 0; i < 40; ++i) {
      const bool busy = i % 2 == 0;  // still running when the signal lands, or parked
      const Pid p = busy ? spawn_busy(self) : self.spawn(park);
      const ExitReason signal = i % 4 < 2 ? ExitReason::kill() : boom();
      self.exit(p, signal);
      EXPECT_FALSE(self.is_alive(p)) << "trial " << i;
    }
  });
}

TEST_P(ExitSignals, LNK_18_still_alive_after_a_trapped_exit_signal) {
  run_to_end([](Process& self) {
    const Pid p = spawn_trapping(self);
    self.exit(p, boom());
    EXPECT_TRUE(self.is_alive(p));
  });
}

TEST_P(ExitSignals, LNK_18_not_alive_right_after_an_exit_signal_from_outside) {
  for (int i = 0; i < 20; ++i) {
    const Pid p = rt().spawn(park);
    rt().exit(p, ExitReason::kill());
    EXPECT_FALSE(rt().is_alive(p)) << "trial " << i;
  }
}

// ---- LNK-19: exit/2 to a process that is not alive does nothing ----

TEST_P(ExitSignals, LNK_19_exit_signal_to_a_dead_process_is_ignored) {
  Pid dead;
  run_to_end([&dead](Process& self) {
    dead = dead_process(self);
    self.exit(dead, boom());
    self.exit(dead, ExitReason::kill());
    EXPECT_FALSE(self.is_alive(dead));
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
  rt().exit(dead, ExitReason::kill());  // from outside too: no error
  EXPECT_FALSE(rt().is_alive(dead));
}

ACTORSPEC_CONFORMANCE_SUITE(ExitSignals);

}  // namespace
}  // namespace actorspec::conformance
