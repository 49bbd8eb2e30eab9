// Conformance tests for the RCV rules (spec/SPEC.md): selective
// receive, guards and after-clauses.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Receive : public RuntimeTest {};

using Clock = std::chrono::steady_clock;

struct A {
  int v;
  friend bool operator==(const A&, const A&) = default;
};
struct B {
  int v;
  friend bool operator==(const B&, const B&) = default;
};
struct C {
  friend bool operator==(const C&, const C&) = default;
};
struct N {
  int v;
  friend bool operator==(const N&, const N&) = default;
};
struct P {
  int v;
  friend bool operator==(const P&, const P&) = default;
};
struct Go {};
struct Never {};  // no test ever sends one
struct Noise {
  int seq;
};
struct Request {
  Pid from;
  Ref tag;
  std::string payload;
};
struct Reply {
  Ref tag;
  std::string payload;
};
// What a waiting process saw: how its receive ended and what it left.
struct Report {
  bool timed_out;
  std::size_t left_in_mailbox;
};

// True if `m` holds a T equal to `v`.
template <class T>
bool holds(const Message& m, const T& v) {
  const T* p = m.peek<T>();
  return p && *p == v;
}

Clock::duration since(Clock::time_point t0) { return Clock::now() - t0; }

// ---- RCV-1 ------------------------------------------------------------------

TEST_P(Receive, RCV_1_a_clause_takes_exactly_its_type) {
  run([](Process& self) {
    const Pid me = self.self();
    self.send(me, 1);                          // int
    self.send(me, "literal");                  // stored as std::string
    self.send(me, std::make_unique<int>(7));   // move-only
    self.send(me, 2L);                         // long
    EXPECT_FALSE(self.receive_for<short>(0ms).has_value()) << "an int or a long matched short";
    EXPECT_FALSE(self.receive_for<const char*>(0ms).has_value()) << "a literal is stored as std::string";
    EXPECT_EQ(self.receive_for<long>(0ms), std::optional<long>(2L));  // passes over the int
    EXPECT_EQ(self.receive_for<int>(0ms), std::optional<int>(1));
    EXPECT_EQ(self.receive_for<std::string>(0ms), std::optional<std::string>("literal"));
    std::optional<std::unique_ptr<int>> owned = self.receive_for<std::unique_ptr<int>>(0ms);
    ASSERT_TRUE(owned.has_value());
    ASSERT_NE(*owned, nullptr);
    EXPECT_EQ(**owned, 7);
    EXPECT_EQ(self.mailbox_size(), 0u);
  });
}

TEST_P(Receive, RCV_1_on_any_takes_the_oldest_message_of_any_type) {
  run([](Process& self) {
    self.send(self.self(), 3.5);
    self.send(self.self(), 'c');
    Message m = self.receive(on_any([](Message&& m) { return std::move(m); }));
    EXPECT_TRUE(holds(m, 3.5));
    EXPECT_EQ(self.mailbox_size(), 1u);
  });
}

// ---- RCV-2 ------------------------------------------------------------------

TEST_P(Receive, RCV_2_the_oldest_match_is_taken_and_skipped_messages_stay_in_order) {
  // spec/EVIDENCE.md S1: [{a,1},{b,1},{a,2},{b,2},c], receive {b,_} twice.
  run([](Process& self) {
    const Pid me = self.self();
    self.send(me, A{1});
    self.send(me, B{1});
    self.send(me, A{2});
    self.send(me, B{2});
    self.send(me, C{});
    EXPECT_EQ(expect<B>(self).v, 1);
    EXPECT_EQ(expect<B>(self).v, 2);
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 3u);
    EXPECT_TRUE(holds(rest[0], A{1}));
    EXPECT_TRUE(holds(rest[1], A{2}));
    EXPECT_TRUE(holds(rest[2], C{}));
  });
}

// ---- RCV-3 ------------------------------------------------------------------

TEST_P(Receive, RCV_3_the_oldest_message_any_clause_accepts_wins_over_clause_order) {
  // spec/EVIDENCE.md S7: [b, a] with clauses a -> ...; b -> ... takes b.
  run([](Process& self) {
    self.send(self.self(), B{0});
    self.send(self.self(), A{0});
    const char got = self.receive(on<A>([] { return 'a'; }), on<B>([] { return 'b'; }));
    EXPECT_EQ(got, 'b');
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_TRUE(holds(rest[0], A{0}));
  });
}

TEST_P(Receive, RCV_3_within_the_taken_message_the_first_accepting_clause_handles_it) {
  // spec/EVIDENCE.md S8: [{p,2},{p,1}], clauses {p,1} -> first; {p,N} -> second.
  run([](Process& self) {
    self.send(self.self(), P{2});
    self.send(self.self(), P{1});
    const std::string got =
        self.receive(on<P>([](const P& p) { return p.v == 1; }, [](P) { return std::string("first"); }),
                     on<P>([](P p) { return "second:" + std::to_string(p.v); }));
    EXPECT_EQ(got, "second:2");
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_TRUE(holds(rest[0], P{1}));
  });
}

// ---- RCV-4 ------------------------------------------------------------------

TEST_P(Receive, RCV_4_a_guard_passes_over_the_values_it_rejects) {
  // spec/EVIDENCE.md S6: [{n,1},{n,7},{n,3}], receive {n,N} when N > 5.
  run([](Process& self) {
    for (int v : {1, 7, 3}) self.send(self.self(), N{v});
    const int got = self.receive(on<N>([](const N& n) { return n.v > 5; }, [](N n) { return n.v; }));
    EXPECT_EQ(got, 7);
    // A guard that rejects everything left: a timeout, nothing consumed.
    const bool timed_out = self.receive(on<N>([](const N& n) { return n.v > 5; }, [] { return false; }),
                                        after(0ms, [] { return true; }));
    EXPECT_TRUE(timed_out);
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_TRUE(holds(rest[0], N{1}));
    EXPECT_TRUE(holds(rest[1], N{3}));
  });
}

TEST_P(Receive, RCV_4_a_reply_is_picked_out_by_its_ref) {
  // spec/EVIDENCE.md S15: mailbox [{R1,one},{R2,two}], receive {R2,V}.
  run([](Process& self) {
    const auto echo = [](Process& server) {
      const Request r = expect<Request>(server);
      server.send(r.from, Reply{r.tag, r.payload});
    };
    auto [first, first_ref] = self.spawn_monitor(echo);
    auto [second, second_ref] = self.spawn_monitor(echo);
    self.send(first, Request{self.self(), first_ref, "one"});
    self.send(second, Request{self.self(), second_ref, "two"});
    // Each reply comes before its server's Down (ORD-5): both are in the
    // mailbox once both Downs are.
    expect_down(self, first_ref);
    expect_down(self, second_ref);
    const std::string got = self.receive(on<Reply>([tag = second_ref](const Reply& r) { return r.tag == tag; },
                                                   [](Reply r) { return r.payload; }),
                                         after(0ms, [] { return std::string("timeout"); }));
    EXPECT_EQ(got, "two");
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 1u);
    ASSERT_TRUE(rest[0].is<Reply>());
    EXPECT_EQ(rest[0].peek<Reply>()->tag, first_ref);
    EXPECT_EQ(rest[0].peek<Reply>()->payload, "one");
  });
}

// ---- RCV-5 ------------------------------------------------------------------

TEST_P(Receive, RCV_5_a_new_arrival_goes_behind_skipped_messages) {
  // spec/EVIDENCE.md S14: [a,b]; receive b; self() ! c; drain -> [a,c].
  run([](Process& self) {
    self.send(self.self(), A{0});
    self.send(self.self(), B{0});
    expect<B>(self);
    self.send(self.self(), C{});
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_TRUE(holds(rest[0], A{0}));
    EXPECT_TRUE(holds(rest[1], C{}));
  });
}

TEST_P(Receive, RCV_5_arrivals_during_a_wait_go_behind_what_the_wait_skipped) {
  run([](Process& self) {
    const Pid me = self.self();
    self.send(me, A{1});
    self.spawn([me](Process& s) {
      s.send(me, C{});
      s.send(me, A{2});
      s.send(me, B{0});
    });
    expect<B>(self);  // skips A{1}, then waits, skipping C and A{2} as they come
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), 3u);
    EXPECT_TRUE(holds(rest[0], A{1}));
    EXPECT_TRUE(holds(rest[1], C{}));
    EXPECT_TRUE(holds(rest[2], A{2}));
  });
}

// ---- RCV-6 ------------------------------------------------------------------

TEST_P(Receive, RCV_6_after_zero_on_an_empty_mailbox_times_out_at_once) {
  // spec/EVIDENCE.md S2.
  run([](Process& self) {
    const bool timed_out = self.receive(on_any([] { return false; }), after(0ms, [] { return true; }));
    EXPECT_TRUE(timed_out);
  });
}

TEST_P(Receive, RCV_6_after_zero_takes_a_message_already_there) {
  // spec/EVIDENCE.md S11.
  run([](Process& self) {
    self.send(self.self(), Go{});
    const bool got = self.receive(on<Go>([] { return true; }), after(0ms, [] { return false; }));
    EXPECT_TRUE(got);
  });
}

// ---- RCV-7 ------------------------------------------------------------------

TEST_P(Receive, RCV_7_a_timeout_leaves_the_mailbox_as_it_was) {
  // spec/EVIDENCE.md S3 (after 0) and S5 (after 10).
  for (const auto timeout : {0ms, 10ms}) {
    run([&](Process& self) {
      self.send(self.self(), A{1});
      self.send(self.self(), B{2});
      const bool timed_out = self.receive(on<C>([] { return false; }), after(timeout, [] { return true; }));
      EXPECT_TRUE(timed_out);
      const std::vector<Message> rest = drain(self);
      ASSERT_EQ(rest.size(), 2u) << "after(" << timeout.count() << "ms)";
      EXPECT_TRUE(holds(rest[0], A{1}));
      EXPECT_TRUE(holds(rest[1], B{2}));
    });
  }
}

// ---- RCV-8 ------------------------------------------------------------------

// Starts a process that waits for Go with `wait`, then reports to `to`.
Pid start_waiter(Process& self, std::function<bool(Process&)> wait) {
  const Pid to = self.self();
  return self.spawn([to, wait = std::move(wait)](Process& w) {
    const bool timed_out = wait(w);
    w.send(to, Report{timed_out, w.mailbox_size()});
  });
}

// The waiters must still be waiting after a while (a report now means an
// early timeout); then each gets a Go, and reports that it took it.
void expect_waiting_until_go(Process& self, const std::vector<Pid>& waiters) {
  EXPECT_FALSE(self.receive_for<Report>(scaled(50ms)).has_value()) << "a receive without timeout ended";
  for (Pid w : waiters) {
    EXPECT_TRUE(self.is_alive(w));
    self.send(w, Go{});
  }
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    const Report r = expect<Report>(self);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.left_in_mailbox, 1u) << "the non-matching message was not left in place";
  }
}

TEST_P(Receive, RCV_8_a_receive_without_after_waits_until_a_match_arrives) {
  // spec/EVIDENCE.md S4 and S13: mailbox [x], waiting for y.
  run([](Process& self) {
    std::vector<Pid> waiters = {
        start_waiter(self, [](Process& w) { return w.receive(on<Go>([] { return false; })); }),
        start_waiter(self, [](Process& w) { return !w.receive_for<Go>(std::chrono::hours::max()).has_value(); }),
        start_waiter(self,
                     [](Process& w) {
                       return w.receive(on<Go>([] { return false; }),
                                        after(std::chrono::nanoseconds::max(), [] { return true; }));
                     }),
    };
    for (Pid w : waiters) self.send(w, A{0});  // a message none of them takes
    expect_waiting_until_go(self, waiters);
  });
}

// ---- RCV-9 ------------------------------------------------------------------

TEST_P(Receive, RCV_9_a_match_ends_the_wait_long_before_the_timeout) {
  // spec/EVIDENCE.md S9.
  run([](Process& self) {
    const auto timeout = scaled(60s);
    const Pid me = self.self();
    self.spawn([me](Process& s) { s.send(me, Go{}); });
    const auto t0 = Clock::now();
    const bool got = self.receive(on<Go>([] { return true; }), after(timeout, [] { return false; }));
    const auto waited = since(t0);
    EXPECT_TRUE(got);
    // Not a timing claim beyond "it did not sit out the timeout".
    EXPECT_LT(waited, timeout / 2);
  });
}

// ---- RCV-10 -----------------------------------------------------------------

TEST_P(Receive, RCV_10_the_after_handler_runs_and_not_before_its_time) {
  run([](Process& self) {
    for (const auto timeout : {1ms, 20ms, scaled(100ms)}) {
      const auto t0 = Clock::now();
      const bool timed_out = self.receive(on<Never>([] { return false; }), after(timeout, [] { return true; }));
      const auto waited = since(t0);
      EXPECT_TRUE(timed_out);
      EXPECT_GE(waited, timeout) << "after(" << timeout.count() << "ms) fired early";
    }
  });
}

TEST_P(Receive, RCV_10_many_receives_time_out_at_the_same_moment) {
  run([](Process& self) {
    constexpr int n = 200;
    const auto timeout = scaled(50ms);
    std::vector<Ref> refs;
    for (int i = 0; i < n; ++i) {
      refs.push_back(self.spawn_monitor([timeout](Process& w) {
                           const auto t0 = Clock::now();
                           const bool timed_out =
                               w.receive(on<Never>([] { return false; }), after(timeout, [] { return true; }));
                           if (!timed_out) w.exit(ExitReason::user("matched a message nobody sent"));
                           if (since(t0) < timeout) w.exit(ExitReason::user("fired early"));
                         })
                         .second);
    }
    for (Ref ref : refs) EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
  });
}

// ---- RCV-11 -----------------------------------------------------------------

TEST_P(Receive, RCV_11_non_matching_arrivals_do_not_restart_the_timer) {
  // spec/EVIDENCE.md S10: after 200 while noise arrives every 20 ms; here after
  // 500 ms and noise every 20 ms. The noise would go on for a hundred
  // timeouts' worth (each gap is at least `interval`, by RCV-10), so a timer
  // that restarted on each arrival could fire only in a gap of a whole
  // timeout (a stalled machine) or once all the noise had come. The count
  // of noise present when the timer fires is the time waited measured in
  // noise intervals: it slows down with the machine, where a wall-clock
  // bound would fail a correct runtime on a stalled one.
  run([](Process& self) {
    const auto timeout = scaled(500ms);
    const auto interval = timeout / 25;
    constexpr int noise_total = 100 * 25;
    const Pid me = self.self();
    auto [noise, noise_ref] = self.spawn_monitor([me, interval](Process& n) {
      for (int i = 0; i < noise_total; ++i) {
        n.send(me, Noise{i});
        // Paces the noise; a Go ends it early.
        if (n.receive(on<Go>([] { return true; }), after(interval, [] { return false; }))) return;
      }
    });
    const auto t0 = Clock::now();
    const bool timed_out = self.receive(on<Never>([] { return false; }), after(timeout, [] { return true; }));
    const auto waited = since(t0);
    const std::size_t noise_seen = self.mailbox_size();  // (plus the noise's Down, had it ended)
    self.send(noise, Go{});
    EXPECT_TRUE(timed_out);
    EXPECT_GE(waited, timeout);
    EXPECT_LT(noise_seen, static_cast<std::size_t>(noise_total))
        << "the timer fired only once the noise stopped: it restarts on non-matching messages";
    // Every noise message is still there, in order, none consumed.
    EXPECT_EQ(expect_down(self, noise_ref).reason, ExitReason::normal());
    const std::vector<Message> rest = drain(self);
    for (std::size_t i = 0; i < rest.size(); ++i) {
      ASSERT_TRUE(rest[i].is<Noise>());
      EXPECT_EQ(rest[i].peek<Noise>()->seq, static_cast<int>(i));
    }
  });
}

// ---- RCV-12 -----------------------------------------------------------------

TEST_P(Receive, RCV_12_a_negative_timeout_throws_invalid_timeout_and_takes_nothing) {
  run([](Process& self) {
    EXPECT_THROW(self.receive(on<int>([](int) {}), after(-1ms, [] {})), InvalidTimeout);
    EXPECT_THROW(self.receive_for<int>(-1ns), InvalidTimeout);
    // Even with a message that matches: the bad value is reported every time.
    self.send(self.self(), 5);
    EXPECT_THROW(self.receive(on<int>([](int) {}), after(-1ms, [] {})), InvalidTimeout);
    EXPECT_THROW(self.receive_for<int>(std::chrono::duration<double>(-0.5)), InvalidTimeout);
    EXPECT_EQ(self.mailbox_size(), 1u);
    EXPECT_EQ(self.receive_for<int>(0ms), std::optional<int>(5));
  });
}

TEST_P(Receive, RCV_12_an_uncaught_invalid_timeout_ends_the_receiver) {
  const ExitReason reason =
      run_for_reason([](Process& self) { self.receive(on<int>([](int) {}), after(-5ms, [] {})); });
  EXPECT_EQ(reason.kind(), ExitReason::Kind::exception) << reason;
  EXPECT_EQ(reason.exception_type(), "actorspec::InvalidTimeout") << reason;
}

TEST_P(Receive, RCV_12_large_and_floating_timeouts_are_accepted) {
  // spec/EVIDENCE.md S12: the BEAM caps `after` at 2^32-1 ms; a duration has no cap.
  run([](Process& self) {
    using ms = std::chrono::milliseconds;
    const auto waits_with = [](auto timeout) {
      return [timeout](Process& w) {
        return w.receive(on<Go>([] { return false; }), after(timeout, [] { return true; }));
      };
    };
    std::vector<Pid> waiters = {
        start_waiter(self, waits_with(ms(4294967295LL))),   // 2^32-1: the BEAM's largest
        start_waiter(self, waits_with(ms(4294967296LL))),   // 2^32: rejected by the BEAM
        start_waiter(self, waits_with(ms(1LL << 60))),      // 2^60: beyond the clock
        start_waiter(self, waits_with(std::chrono::duration<double>(1e7))),
    };
    for (Pid w : waiters) self.send(w, A{0});
    expect_waiting_until_go(self, waiters);

    // A floating duration is a duration: 1.5 ms times out.
    const bool timed_out = self.receive(on<Never>([] { return false; }),
                                        after(std::chrono::duration<double, std::milli>(1.5), [] { return true; }));
    EXPECT_TRUE(timed_out);
  });
}

// ---- RCV-13 -----------------------------------------------------------------

TEST_P(Receive, RCV_13_a_match_behind_two_hundred_thousand_unmatched_messages_is_found) {
  run([](Process& self) {
    constexpr int noise = 200000;
    const Pid me = self.self();
    for (int i = 0; i < noise; ++i) self.send(me, Noise{i});
    // Several rounds, so every receive scans the whole backlog again.
    for (int round = 0; round < 5; ++round) {
      self.send(me, Go{});
      EXPECT_TRUE(self.receive_for<Go>(patience()).has_value()) << "round " << round;
      EXPECT_EQ(self.mailbox_size(), static_cast<std::size_t>(noise));
    }
    const std::vector<Message> rest = drain(self);
    ASSERT_EQ(rest.size(), static_cast<std::size_t>(noise));
    for (int i = 0; i < noise; ++i) {
      ASSERT_TRUE(rest[static_cast<std::size_t>(i)].is<Noise>());
      ASSERT_EQ(rest[static_cast<std::size_t>(i)].peek<Noise>()->seq, i);
    }
  });
}

ACTORSPEC_CONFORMANCE_SUITE(Receive);

}  // namespace
}  // namespace actorspec::conformance
