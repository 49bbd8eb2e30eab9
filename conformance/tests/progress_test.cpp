// RT-11: a process that keeps calling the runtime without ever waiting (a
// receive-poll loop, a loop on mailbox_size, is_alive or whereis) MUST let
// the other processes of its runtime run, even when they share its only
// worker. The BEAM guarantees this by reductions; C++ cannot preempt, so
// the runtime yields inside those calls. Every runtime here has one worker
// (thread-per-process backends ignore the option).
#include <chrono>
#include <string>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Progress : public RuntimeTest {
 protected:
  void SetUp() override { runtime_ = make_runtime(GetParam(), RuntimeOptions{1, 0}); }
};

struct Done {};

// Loops on `poll` until it returns true or patience() has passed (then the
// starved child never ran: the test fails instead of hanging).
template <class Poll>
bool poll_until(Poll poll) {
  const auto deadline = std::chrono::steady_clock::now() + patience();
  while (!poll())
    if (std::chrono::steady_clock::now() >= deadline) return false;
  return true;
}

TEST_P(Progress, RT_11_a_receive_poll_loop_lets_a_child_on_the_same_worker_run) {
  run([](Process& self) {
    const Pid me = self.self();
    self.spawn([me](Process& c) { c.send(me, Done{}); });
    EXPECT_TRUE(poll_until([&] { return self.receive(on<Done>([] { return true; }), after(0ms, [] { return false; })); }))
        << "the child never ran while its parent polled";
  });
}

TEST_P(Progress, RT_11_a_mailbox_size_loop_lets_a_child_on_the_same_worker_run) {
  run([](Process& self) {
    const Pid me = self.self();
    self.spawn([me](Process& c) { c.send(me, Done{}); });
    EXPECT_TRUE(poll_until([&] { return self.mailbox_size() > 0; })) << "the child never ran while its parent polled";
  });
}

TEST_P(Progress, RT_11_an_is_alive_loop_lets_a_child_on_the_same_worker_run_to_its_end) {
  run([](Process& self) {
    const Pid child = self.spawn([](Process&) {});
    EXPECT_TRUE(poll_until([&] { return !self.is_alive(child); })) << "the child never ran while its parent polled";
  });
}

TEST_P(Progress, RT_11_a_whereis_loop_lets_a_child_on_the_same_worker_run) {
  run([](Process& self) {
    self.spawn([](Process& c) {
      c.register_name("rt11-child", c.self());
      c.receive<Done>();
    });
    EXPECT_TRUE(poll_until([&] { return self.whereis("rt11-child").has_value(); }))
        << "the child never ran while its parent polled";
    self.send("rt11-child", Done{});
  });
}

TEST_P(Progress, RT_11_two_processes_polling_each_other_both_progress) {
  // Ping-pong where both sides only ever poll: each needs the other to run.
  run([](Process& self) {
    const Pid me = self.self();
    const Pid peer = self.spawn([me](Process& p) {
      for (int i = 0; i < 100; ++i) {
        const bool got = poll_until([&] { return p.receive(on<int>([] { return true; }), after(0ms, [] { return false; })); });
        if (!got) return;
        p.send(me, i);
      }
    });
    for (int i = 0; i < 100; ++i) {
      self.send(peer, i);
      ASSERT_TRUE(poll_until([&] { return self.receive(on<int>([] { return true; }), after(0ms, [] { return false; })); }))
          << "round " << i;
    }
  });
}

ACTORSPEC_CONFORMANCE_SUITE(Progress);

}  // namespace
}  // namespace actorspec::conformance
