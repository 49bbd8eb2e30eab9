// One definition of "alive" (LNK-18): once an exit signal that ends a
// process is accepted, every operation that takes its pid or its name
// treats it as not alive, although it may still be unwinding: monitor gives
// a noproc Down (ERR-7, MON-8), link gives noproc (ERR-6), its name is held
// by nobody (REG-6, REG-7, REG-9, REG-10) and register_name refuses it
// (REG-4). The BEAM answers the same once the caller's signal is processed
// (spec/EVIDENCE.md, X18-X25).
//
// The target is held inside its own code (blocked on a gate outside the
// runtime) so the window between "its end is decided" and "it has ended"
// stays open for the whole test: nothing here depends on timing.
#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class DecidedExit : public RuntimeTest {
 protected:
  // Two workers at least, so a pooled backend runs the test's process while
  // the target holds one worker in its gate.
  void SetUp() override { runtime_ = make_runtime(GetParam(), RuntimeOptions{2, 0}); }
};

struct Ping {};

// A process that, once started, waits outside the runtime until its gate
// opens, then calls into the runtime (where a pending exit ends it). The
// gate opens at the latest when the test's process ends, however it ends,
// so a runtime that fails a check never leaves the target stuck.
class Gated {
 public:
  Gated() = default;
  Gated(const Gated&) = delete;
  Gated& operator=(const Gated&) = delete;
  ~Gated() { open(); }

  Pid spawn(Process& self, const std::string& name = {}) {
    const Pid p = self.spawn([gate = gate_](Process& me) {
      gate.wait();
      me.receive(on<Ping>([] {}), after(patience(), [] {}));
    });
    if (!name.empty()) self.register_name(name, p);
    return p;
  }
  void open() {
    if (!opened_.exchange(true)) promise_.set_value();
  }

 private:
  std::promise<void> promise_;
  std::shared_future<void> gate_ = promise_.get_future().share();
  std::atomic<bool> opened_{false};
};

// The exit signals that decide a non-trapping process's end at once.
std::vector<ExitReason> ending_reasons() { return {ExitReason::kill(), ExitReason::user("boom"), ExitReason::shutdown()}; }

TEST_P(DecidedExit, LNK_18_monitor_of_a_process_whose_end_is_decided_gives_noproc) {
  for (const ExitReason& reason : ending_reasons()) {
    run([&reason](Process& self) {
      Gated g;
      const Pid p = g.spawn(self);
      const Ref watch = self.monitor(p);  // taken while alive: sees the real reason
      self.exit(p, reason);
      EXPECT_FALSE(self.is_alive(p));
      const Ref late = self.monitor(p);
      g.open();  // before waiting: a wrong runtime's Down then comes at once
      EXPECT_EQ(expect_down(self, late).reason, ExitReason::noproc()) << "reason " << reason;
      const ExitReason expected = reason == ExitReason::kill() ? ExitReason::killed() : reason;
      EXPECT_EQ(expect_down(self, watch).reason, expected);
    });
  }
}

TEST_P(DecidedExit, ERR_6_link_to_a_process_whose_end_is_decided_is_noproc) {
  run([](Process& self) {
    Gated g;
    const Pid p = g.spawn(self);
    const Ref watch = self.monitor(p);
    self.exit(p, ExitReason::kill());
    // Not trapping: the typed NoProc, as for a pid that has ended.
    EXPECT_THROW(self.link(p), NoProc);
    EXPECT_TRUE(self.links().empty());
    // Trapping: an Exit with reason noproc, not the target's own reason.
    self.trap_exit(true);
    self.link(p);
    EXPECT_TRUE(self.links().empty());
    g.open();  // before waiting, as above
    EXPECT_EQ(expect_exit_from(self, p).reason, ExitReason::noproc());
    EXPECT_EQ(expect_down(self, watch).reason, ExitReason::killed());
    // Nothing else came: no second Exit carrying `killed`.
    EXPECT_TRUE(drain(self).empty());
  });
}

TEST_P(DecidedExit, REG_4_a_process_whose_end_is_decided_cannot_be_named) {
  run([](Process& self) {
    Gated g;
    const Pid p = g.spawn(self);
    self.exit(p, ExitReason::user("boom"));
    EXPECT_THROW(self.register_name("reg4-decided", p), NotAlive);
    EXPECT_FALSE(self.whereis("reg4-decided").has_value());
    g.open();
  });
}

TEST_P(DecidedExit, REG_9_send_by_name_to_a_holder_whose_end_is_decided_throws) {
  run([](Process& self) {
    Gated g;
    const Pid p = g.spawn(self, "reg9-decided");
    self.exit(p, ExitReason::kill());
    EXPECT_FALSE(self.whereis("reg9-decided").has_value());
    EXPECT_THROW(self.send("reg9-decided", Ping{}), UnknownName);
    g.open();
  });
}

TEST_P(DecidedExit, REG_6_a_holder_whose_end_is_decided_holds_no_name) {
  run([this](Process& self) {
    Gated g;
    const Pid p = g.spawn(self, "reg6-decided");
    const Ref watch = self.monitor(p);
    self.exit(p, ExitReason::kill());
    EXPECT_FALSE(self.whereis("reg6-decided").has_value());
    for (const std::string& n : self.registered()) EXPECT_NE(n, "reg6-decided");
    EXPECT_FALSE(rt().whereis("reg6-decided").has_value());
    EXPECT_THROW(rt().send("reg6-decided", Ping{}), UnknownName);
    g.open();
    expect_down(self, watch);
  });
}

TEST_P(DecidedExit, REG_7_a_name_whose_holder_is_decided_to_end_can_be_taken_and_stays_taken) {
  run([](Process& self) {
    Gated g;
    const Pid p = g.spawn(self, "reg7-decided");
    const Ref watch = self.monitor(p);
    self.exit(p, ExitReason::kill());
    const Pid q = self.spawn([](Process& me) {
      me.receive<Ping>();
      me.send(expect<Pid>(me), Ping{});
    });
    EXPECT_NO_THROW(self.register_name("reg7-decided", q));
    EXPECT_EQ(self.whereis("reg7-decided"), q);
    // The old holder's end, when it comes, must not free the new holder's name.
    g.open();
    EXPECT_EQ(expect_down(self, watch).reason, ExitReason::killed());
    EXPECT_EQ(self.whereis("reg7-decided"), q);
    self.send("reg7-decided", Ping{});
    self.send(q, self.self());
    expect<Ping>(self);
  });
}

TEST_P(DecidedExit, REG_10_unregistering_the_name_of_a_holder_whose_end_is_decided_throws) {
  run([](Process& self) {
    Gated g;
    const Pid p = g.spawn(self, "reg10-decided");
    self.exit(p, ExitReason::user("boom"));
    EXPECT_THROW(self.unregister_name("reg10-decided"), UnknownName);
    g.open();
  });
}

TEST_P(DecidedExit, MON_8_monitor_by_name_of_a_holder_whose_end_is_decided_gives_noproc) {
  run([](Process& self) {
    Gated g;
    const Pid p = g.spawn(self, "mon8-decided");
    self.exit(p, ExitReason::kill());
    const Ref ref = self.monitor("mon8-decided");
    g.open();
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.reason, ExitReason::noproc());
    EXPECT_EQ(d.name, std::optional<std::string>("mon8-decided"));
    g.open();
  });
}

ACTORSPEC_CONFORMANCE_SUITE(DecidedExit);

}  // namespace
}  // namespace actorspec::conformance
