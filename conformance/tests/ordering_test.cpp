// Conformance tests for the ORD rules (spec/SPEC.md): the order
// in which messages and exit signals arrive.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Ordering : public RuntimeTest {};

struct Go {};
struct Ready {};
struct Ask {
  Pid from;
};
struct Collected {
  std::vector<int> values;
};
struct Tagged {
  int sender;
  int seq;
};
struct Target {
  Pid pid;
};
struct Stop {
  Pid reply_to;
};
struct Count {
  std::size_t n;
};
struct M {};

// The oldest message of any type, or ExpectationTimeout.
Message next_message(Process& self) {
  return self.receive(on_any([](Message&& m) { return std::move(m); }), after(patience(), []() -> Message {
                        throw ExpectationTimeout("no message arrived in time");
                      }));
}

std::vector<int> iota_vector(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

// How a process ends, for the rules that must hold whatever the reason.
struct Ending {
  const char* name;
  std::function<void(Process&)> end;  // called last in the body
  ExitReason expected;
};

std::vector<Ending> endings() {
  return {
      {"return", [](Process&) {}, ExitReason::normal()},
      {"exit(boom)", [](Process& p) { p.exit(ExitReason::user("boom")); }, ExitReason::user("boom")},
      {"throw", [](Process&) { throw std::runtime_error("boom"); },
       ExitReason::exception("std::runtime_error", "boom")},
  };
}

// Spins (without calling the runtime) until `flag` is set or patience runs
// out: a process that is busy in its own code, which C++ cannot preempt.
void busy_wait_for(const std::atomic<bool>& flag) {
  const auto deadline = std::chrono::steady_clock::now() + patience();
  while (!flag.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
}

// Polls `done` (a cheap runtime query) until it holds or patience runs out.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + patience();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// ---- ORD-1 ------------------------------------------------------------------

TEST_P(Ordering, ORD_1_messages_from_one_process_arrive_in_send_order) {
  run([](Process& self) {
    constexpr int n = 10000;
    const Pid me = self.self();
    self.spawn([me](Process& s) {
      for (int i = 0; i < n; ++i) s.send(me, i);
    });
    std::vector<int> got;
    for (int i = 0; i < n; ++i) got.push_back(expect<int>(self));
    EXPECT_EQ(got, iota_vector(n));
  });
}

TEST_P(Ordering, ORD_1_messages_from_one_outside_thread_arrive_in_send_order) {
  constexpr int n = 10000;
  const Pid collector = rt().spawn([](Process& c) {
    std::vector<int> got;
    for (int i = 0; i < n; ++i) got.push_back(expect<int>(c));
    const Ask ask = expect<Ask>(c);
    c.send(ask.from, Collected{std::move(got)});
  });
  for (int i = 0; i < n; ++i) rt().send(collector, i);
  run([&](Process& self) {
    self.send(collector, Ask{self.self()});
    EXPECT_EQ(expect<Collected>(self).values, iota_vector(n));
  });
}

// ---- ORD-2 ------------------------------------------------------------------

TEST_P(Ordering, ORD_2_sends_by_pid_and_by_name_form_one_ordered_stream) {
  run([](Process& self) {
    constexpr int n = 3000;
    const Pid me = self.self();
    const Pid collector = self.spawn([me](Process& c) {
      std::vector<int> got;
      for (int i = 0; i < n; ++i) got.push_back(expect<int>(c));
      c.send(me, Collected{std::move(got)});
    });
    self.register_name("ord2_collector", collector);
    for (int i = 0; i < n; ++i) {
      if (i % 2 == 0)
        self.send(collector, i);
      else
        self.send("ord2_collector", i);
    }
    EXPECT_EQ(expect<Collected>(self).values, iota_vector(n));
  });
}

// ---- ORD-3 ------------------------------------------------------------------

TEST_P(Ordering, ORD_3_a_message_sent_to_oneself_is_there_when_send_returns) {
  run([](Process& self) {
    self.send(self.self(), std::string("a"));
    EXPECT_EQ(self.mailbox_size(), 1u);
    self.send(self.self(), std::string("b"));
    self.send(self.self(), std::string("c"));
    EXPECT_EQ(self.mailbox_size(), 3u);
    for (const char* expected : {"a", "b", "c"}) {
      const std::optional<std::string> got = self.receive_for<std::string>(0ms);
      ASSERT_TRUE(got.has_value()) << "missing " << expected;
      EXPECT_EQ(*got, expected);
    }
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

// ---- ORD-4 ------------------------------------------------------------------

// Stochastic: how the four streams interleave differs from run to run, so
// a runtime that reorders only under some interleavings fails only then.
TEST_P(Ordering, ORD_4_stochastic_concurrent_senders_interleave_but_each_keeps_its_order) {
  run([](Process& self) {
    constexpr int senders = 4;
    constexpr int per_sender = 2000;
    const Pid me = self.self();
    for (int s = 0; s < senders; ++s) {
      self.spawn([me, s](Process& p) {
        for (int i = 0; i < per_sender; ++i) p.send(me, Tagged{s, i});
      });
    }
    // Only each sender's own order is checked: how the streams interleave
    // is unspecified (ORD-4) and asserting anything about it would be wrong.
    std::vector<int> next(senders, 0);
    for (int i = 0; i < senders * per_sender; ++i) {
      const Tagged t = expect<Tagged>(self);
      ASSERT_EQ(t.seq, next[static_cast<std::size_t>(t.sender)]) << "sender " << t.sender << " out of order";
      ++next[static_cast<std::size_t>(t.sender)];
    }
    EXPECT_TRUE(drain(self).empty());
  });
}

// ---- ORD-5 ------------------------------------------------------------------

TEST_P(Ordering, ORD_5_a_processs_messages_come_before_its_down) {
  for (const Ending& ending : endings()) {
    run([&](Process& self) {
      const Pid me = self.self();
      auto [sender, ref] = self.spawn_monitor([me, end = ending.end](Process& s) {
        for (int i = 0; i < 100; ++i) s.send(me, i);
        end(s);
      });
      for (int i = 0; i < 100; ++i) {
        Message m = next_message(self);
        ASSERT_TRUE(m.is<int>()) << ending.name << ": message " << i << " is not the int expected";
        EXPECT_EQ(*m.peek<int>(), i) << ending.name;
      }
      Message last = next_message(self);
      ASSERT_TRUE(last.is<Down>()) << ending.name;
      EXPECT_EQ(last.peek<Down>()->ref, ref);
      EXPECT_EQ(last.peek<Down>()->pid, sender);
      EXPECT_EQ(last.peek<Down>()->reason, ending.expected) << ending.name;
    });
  }
}

// ---- ORD-6 ------------------------------------------------------------------

TEST_P(Ordering, ORD_6_a_processs_messages_come_before_its_exit) {
  for (const Ending& ending : endings()) {
    run([&](Process& self) {
      self.trap_exit(true);
      const Pid me = self.self();
      const Pid sender = self.spawn_link([me, end = ending.end](Process& s) {
        for (int i = 0; i < 100; ++i) s.send(me, i);
        end(s);
      });
      for (int i = 0; i < 100; ++i) {
        Message m = next_message(self);
        ASSERT_TRUE(m.is<int>()) << ending.name << ": message " << i << " is not the int expected";
        EXPECT_EQ(*m.peek<int>(), i) << ending.name;
      }
      Message last = next_message(self);
      ASSERT_TRUE(last.is<Exit>()) << ending.name;
      EXPECT_EQ(last.peek<Exit>()->from, sender);
      EXPECT_EQ(last.peek<Exit>()->reason, ending.expected) << ending.name;
    });
  }
}

// ---- ORD-7 ------------------------------------------------------------------

TEST_P(Ordering, ORD_7_a_message_then_an_exit_signal_arrive_in_that_order) {
  run([](Process& self) {
    self.trap_exit(true);
    const Pid me = self.self();
    auto [sender, ref] = self.spawn_monitor([me](Process& s) {
      s.send(me, std::string("hello"));
      s.exit(me, ExitReason::user("bye"));
    });
    Message first = next_message(self);
    ASSERT_TRUE(first.is<std::string>());
    EXPECT_EQ(*first.peek<std::string>(), "hello");
    Message second = next_message(self);
    ASSERT_TRUE(second.is<Exit>());
    EXPECT_EQ(second.peek<Exit>()->from, sender);
    EXPECT_EQ(second.peek<Exit>()->reason, ExitReason::user("bye"));
    Message third = next_message(self);
    ASSERT_TRUE(third.is<Down>());
    EXPECT_EQ(third.peek<Down>()->ref, ref);
    EXPECT_EQ(third.peek<Down>()->reason, ExitReason::normal());
  });
}

// ---- ORD-8 ------------------------------------------------------------------

TEST_P(Ordering, ORD_8_exit_and_down_for_one_death_both_come_after_its_messages) {
  run([](Process& self) {
    self.trap_exit(true);
    const Pid me = self.self();
    const Pid sender = self.spawn_link([me](Process& s) {
      expect<Go>(s);
      for (int i = 0; i < 10; ++i) s.send(me, i);
      s.exit(ExitReason::user("boom"));
    });
    const Ref ref = self.monitor(sender);  // before Go: the sender is alive
    self.send(sender, Go{});
    for (int i = 0; i < 10; ++i) {
      Message m = next_message(self);
      ASSERT_TRUE(m.is<int>()) << "message " << i << " is not the int expected";
      EXPECT_EQ(*m.peek<int>(), i);
    }
    // Either order is conforming (O9 is implementation behaviour).
    bool got_exit = false;
    bool got_down = false;
    for (int i = 0; i < 2; ++i) {
      Message m = next_message(self);
      if (const Exit* e = m.peek<Exit>()) {
        EXPECT_FALSE(got_exit) << "two Exits";
        got_exit = true;
        EXPECT_EQ(e->from, sender);
        EXPECT_EQ(e->reason, ExitReason::user("boom"));
      } else if (const Down* d = m.peek<Down>()) {
        EXPECT_FALSE(got_down) << "two Downs";
        got_down = true;
        EXPECT_EQ(d->ref, ref);
        EXPECT_EQ(d->reason, ExitReason::user("boom"));
      } else {
        ADD_FAILURE() << "unexpected message of type " << m.type().name();
      }
    }
    EXPECT_TRUE(got_exit && got_down);
  });
}

// ---- ORD-9 ------------------------------------------------------------------

// Shared by a test and its busy receiver; held by both, so neither outlives it.
struct BusyReceiver {
  std::atomic<bool> release{false};
  std::atomic<bool> clause_ran{false};
};

// The receiver's body after its setup: busy in its own code until
// released, then a receive that would take M.
void busy_then_receive(Process& r, BusyReceiver& state) {
  busy_wait_for(state.release);
  r.receive(on<M>([&state] { state.clause_ran = true; }), after(patience(), [] {}));
}

TEST_P(Ordering, ORD_9_a_pending_link_exit_beats_an_earlier_pending_message) {
  // spec/EVIDENCE.md O10: linked S sends m, then exits boom, while R cannot run.
  run([](Process& self) {
    const Pid me = self.self();
    auto state = std::make_shared<BusyReceiver>();
    auto [sender, sender_ref] = self.spawn_monitor([](Process& s) {
      const Pid r = expect<Target>(s).pid;
      s.send(r, M{});
      s.exit(ExitReason::user("boom"));
    });
    auto [receiver, receiver_ref] = self.spawn_monitor([me, sender = sender, state](Process& r) {
      r.link(sender);
      r.send(me, Ready{});
      busy_then_receive(r, *state);
    });
    expect<Ready>(self);  // the receiver is linked and about to spin
    self.send(sender, Target{receiver});
    EXPECT_EQ(expect_down(self, sender_ref).reason, ExitReason::user("boom"));
    // The sender has ended, so its exit signal is on its way or accepted;
    // wait until it is accepted before letting the receiver call receive.
    EXPECT_TRUE(eventually([&] { return !self.is_alive(receiver); }));
    state->release = true;
    EXPECT_EQ(expect_down(self, receiver_ref).reason, ExitReason::user("boom"));
    EXPECT_FALSE(state->clause_ran) << "the receiver ran its clause for a message sent before the exit";
  });
}

TEST_P(Ordering, ORD_9_a_pending_exit2_signal_beats_an_earlier_pending_message) {
  run([](Process& self) {
    const Pid me = self.self();
    auto state = std::make_shared<BusyReceiver>();
    auto [receiver, ref] = self.spawn_monitor([me, state](Process& r) {
      r.send(me, Ready{});
      busy_then_receive(r, *state);
    });
    expect<Ready>(self);
    self.send(receiver, M{});
    self.exit(receiver, ExitReason::user("boom"));
    // Our own signal is accepted before is_alive answers (LNK/REG rules).
    EXPECT_FALSE(self.is_alive(receiver));
    state->release = true;
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::user("boom"));
    EXPECT_FALSE(state->clause_ran) << "the receiver ran its clause for a message sent before the exit";
  });
}

// ---- ORD-10 -----------------------------------------------------------------

TEST_P(Ordering, ORD_10_two_hundred_thousand_sends_to_a_process_that_never_receives_them) {
  run([](Process& self) {
    constexpr int n = 200000;
    const Pid hoarder = self.spawn([](Process& h) {
      // Passes over every int. No timeout: the sends may take long on a
      // slow machine, and the test's own expect<Count> bounds the wait.
      const Stop stop = h.receive<Stop>();
      h.send(stop.reply_to, Count{h.mailbox_size()});
      std::vector<int> kept;
      for (Message& m : drain(h))
        if (const int* v = m.peek<int>()) kept.push_back(*v);
      h.send(stop.reply_to, Collected{std::move(kept)});
    });
    for (int i = 0; i < n; ++i) self.send(hoarder, i);  // must not block
    self.send(hoarder, Stop{self.self()});
    EXPECT_EQ(expect<Count>(self).n, static_cast<std::size_t>(n));
    EXPECT_EQ(expect<Collected>(self).values, iota_vector(n));
  });
}

ACTORSPEC_CONFORMANCE_SUITE(Ordering);

}  // namespace
}  // namespace actorspec::conformance
