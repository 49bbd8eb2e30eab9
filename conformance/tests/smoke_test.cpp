// Temporary smoke tests for the core; replaced by the area suites.
#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Smoke : public RuntimeTest {};

TEST_P(Smoke, ORD_1_one_sender_fifo) {
  run([](Process& self) {
    const Pid me = self.self();
    auto [child, ref] = self.spawn_monitor([me](Process& c) {
      for (int i = 0; i < 1000; ++i) c.send(me, i);
    });
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(expect<int>(self), i);
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
  });
}

TEST_P(Smoke, RCV_1_selective) {
  run([](Process& self) {
    self.send(self.self(), std::string("a"));
    self.send(self.self(), 2);
    self.send(self.self(), std::string("b"));
    EXPECT_EQ(self.receive<int>(), 2);
    EXPECT_EQ(self.receive<std::string>(), "a");
    auto r = self.receive_for<double>(0ms);
    EXPECT_FALSE(r.has_value());
    EXPECT_EQ(self.mailbox_size(), 1u);
  });
}

TEST_P(Smoke, LNK_1_link_kill) {
  run([](Process& self) {
    self.trap_exit(true);
    Pid child = self.spawn_link([](Process& c) { c.receive<int>(); });
    self.exit(child, ExitReason::kill());
    Exit e = expect_exit_from(self, child);
    EXPECT_EQ(e.reason, ExitReason::killed());
  });
}

TEST_P(Smoke, RT_1_shutdown_ends_blocked) {
  for (int i = 0; i < 20; ++i) rt().spawn([](Process& c) { c.receive<int>(); });
}

TEST_P(Smoke, RCV_2_timeout) {
  run([](Process& self) {
    auto r = self.receive(on<int>([](int v) { return v; }), after(20ms, [] { return -1; }));
    EXPECT_EQ(r, -1);
  });
}

ACTORSPEC_CONFORMANCE_SUITE(Smoke);

}  // namespace
}  // namespace actorspec::conformance
