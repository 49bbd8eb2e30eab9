// Conformance tests for the ERR rules (spec/SPEC.md): what every
// misuse does, caught and uncaught.
#include <algorithm>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Errors : public RuntimeTest {};

struct Go {};
// Holds a share of a resource, to see when the message is destroyed.
struct Token {
  std::shared_ptr<int> share;
};

// Runs `body` as a monitored child and returns how it ended.
ExitReason reason_of(Process& self, Body body) {
  auto [child, ref] = self.spawn_monitor(std::move(body));
  return expect_down(self, ref).reason;
}

// A pid that was alive once and is now certainly dead (its Down was seen).
Pid dead_pid(Process& self) {
  auto [p, ref] = self.spawn_monitor([](Process&) {});
  expect_down(self, ref);
  return p;
}

// The uncaught-error reason: the error's qualified type name and its what().
template <class E>
void expect_ended_by(const ExitReason& r, const E& same_error, std::string_view culprit, const char* type_name) {
  EXPECT_EQ(r.kind(), ExitReason::Kind::exception) << r;
  EXPECT_EQ(r.exception_type(), type_name) << r;
  EXPECT_EQ(r.detail(), same_error.what()) << r;
  EXPECT_NE(r.detail().find(culprit), std::string::npos) << "the message should name '" << culprit << "': " << r;
}

// ---- ERR-1: errors are typed ------------------------------------------------

static_assert(std::is_base_of_v<std::runtime_error, Error>);
static_assert(std::is_base_of_v<Error, BadArg>);
static_assert(std::is_base_of_v<BadArg, UnknownName>);
static_assert(std::is_base_of_v<BadArg, NameTaken>);
static_assert(std::is_base_of_v<BadArg, AlreadyRegistered>);
static_assert(std::is_base_of_v<BadArg, NotAlive>);
static_assert(std::is_base_of_v<BadArg, InvalidName>);
static_assert(std::is_base_of_v<BadArg, InvalidTimeout>);
static_assert(std::is_base_of_v<Error, NoProc> && !std::is_base_of_v<BadArg, NoProc>);
static_assert(std::is_base_of_v<Error, NotInProcess> && !std::is_base_of_v<BadArg, NotInProcess>);
static_assert(std::is_base_of_v<Error, RuntimeStopped> && !std::is_base_of_v<BadArg, RuntimeStopped>);
static_assert(std::is_base_of_v<Error, UnknownBackend> && !std::is_base_of_v<BadArg, UnknownBackend>);

TEST_P(Errors, ERR_1_each_misuse_throws_its_type) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    const Pid other = self.spawn([](Process& p) { p.receive<Go>(); });
    self.register_name("err1", other);

    EXPECT_THROW(self.send("err1-nobody", 1), UnknownName);
    EXPECT_THROW(self.unregister_name("err1-nobody"), UnknownName);
    EXPECT_THROW(self.register_name("err1", self.self()), NameTaken);
    EXPECT_THROW(self.register_name("err1-second", other), AlreadyRegistered);
    EXPECT_THROW(self.register_name("err1-dead", dead), NotAlive);
    EXPECT_THROW(self.register_name("", self.self()), InvalidName);
    EXPECT_THROW(self.receive(on<int>([] {}), after(-1ms, [] {})), InvalidTimeout);
    EXPECT_THROW(self.link(dead), NoProc);
    EXPECT_THROW(self.spawn(Body{}), BadArg);
    EXPECT_THROW(self.spawn_link(Body{}), BadArg);
    EXPECT_THROW(self.spawn_monitor(Body{}), BadArg);
    EXPECT_THROW(self.runtime().run([](Process&) {}), BadArg);
    EXPECT_THROW(self.runtime().shutdown(), BadArg);
    EXPECT_THROW((void)make_runtime("err1-no-such-backend"), UnknownBackend);

    // Every BadArg-like error is also catchable as BadArg, and all as Error.
    try {
      self.send("err1-nobody", 1);
      ADD_FAILURE() << "no throw";
    } catch (const BadArg&) {
    }
    try {
      self.link(dead);
      ADD_FAILURE() << "no throw";
    } catch (const Error&) {
    }
    self.send(other, Go{});
  });
  // And from outside any process.
  EXPECT_THROW(rt().spawn(Body{}), BadArg);
  EXPECT_THROW(rt().run(Body{}), BadArg);
  EXPECT_THROW(rt().send("err1-nobody", 1), UnknownName);
}

// ---- ERR-2: uncaught, an error ends the caller with its type and message ----

TEST_P(Errors, ERR_2_uncaught_unknown_name_on_send) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process& p) { p.send("err2-ghost", 1); });
    expect_ended_by(r, UnknownName("err2-ghost"), "err2-ghost", "actorspec::UnknownName");
  });
}

TEST_P(Errors, ERR_2_uncaught_unknown_name_on_unregister) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process& p) { p.unregister_name("err2-ghost"); });
    expect_ended_by(r, UnknownName("err2-ghost"), "err2-ghost", "actorspec::UnknownName");
  });
}

TEST_P(Errors, ERR_2_uncaught_name_taken) {
  run([](Process& self) {
    self.register_name("err2-taken", self.self());
    const ExitReason r = reason_of(self, [](Process& p) { p.register_name("err2-taken", p.self()); });
    expect_ended_by(r, NameTaken("err2-taken"), "err2-taken", "actorspec::NameTaken");
  });
}

TEST_P(Errors, ERR_2_uncaught_already_registered) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process& p) {
      p.register_name("err2-first", p.self());
      p.register_name("err2-second", p.self());
    });
    EXPECT_EQ(r.exception_type(), "actorspec::AlreadyRegistered") << r;
    EXPECT_NE(r.detail().find("err2-first"), std::string::npos) << "should name the name it holds: " << r;
  });
}

TEST_P(Errors, ERR_2_uncaught_not_alive) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    const ExitReason r = reason_of(self, [dead](Process& p) { p.register_name("err2-dead", dead); });
    expect_ended_by(r, NotAlive(dead.to_string()), dead.to_string(), "actorspec::NotAlive");
  });
}

TEST_P(Errors, ERR_2_uncaught_invalid_name) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process& p) { p.register_name("", p.self()); });
    expect_ended_by(r, InvalidName(), "name", "actorspec::InvalidName");
  });
}

TEST_P(Errors, ERR_2_uncaught_invalid_timeout_ends_the_receiver) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process& p) { (void)p.receive_for<int>(-5ms); });
    expect_ended_by(r, InvalidTimeout(), "timeout", "actorspec::InvalidTimeout");
  });
}

TEST_P(Errors, ERR_2_uncaught_noproc_on_link) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    const ExitReason r = reason_of(self, [dead](Process& p) { p.link(dead); });
    expect_ended_by(r, NoProc(dead.to_string()), dead.to_string(), "actorspec::NoProc");
  });
}

TEST_P(Errors, ERR_2_uncaught_badarg_on_empty_body) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process& p) { p.spawn(Body{}); });
    EXPECT_EQ(r.kind(), ExitReason::Kind::exception) << r;
    EXPECT_EQ(r.exception_type(), "actorspec::BadArg") << r;
    EXPECT_NE(r.detail().find("body"), std::string::npos) << r;
  });
}

TEST_P(Errors, ERR_2_uncaught_not_in_process) {
  run([](Process& self) {
    Process* mine = &self;
    // The child uses the parent's handle; the parent waits for the child's
    // Down meanwhile, so the handle stays valid.
    const ExitReason r = reason_of(self, [mine](Process&) { (void)mine->receive<int>(); });
    EXPECT_EQ(r.exception_type(), "actorspec::NotInProcess") << r;
    EXPECT_NE(r.detail().find("receive"), std::string::npos) << "should name the call: " << r;
  });
}

TEST_P(Errors, ERR_2_uncaught_runtime_stopped) {
  auto stopped = make_runtime(GetParam());
  stopped->shutdown();
  run([&stopped](Process& self) {
    Runtime* other = stopped.get();
    const ExitReason r = reason_of(self, [other](Process&) { other->spawn([](Process&) {}); });
    expect_ended_by(r, RuntimeStopped(), "shut down", "actorspec::RuntimeStopped");
  });
}

TEST_P(Errors, ERR_2_uncaught_unknown_backend) {
  run([](Process& self) {
    const ExitReason r = reason_of(self, [](Process&) { (void)make_runtime("err2-no-such-backend"); });
    EXPECT_EQ(r.exception_type(), "actorspec::UnknownBackend") << r;
    EXPECT_NE(r.detail().find("err2-no-such-backend"), std::string::npos) << r;
  });
}

// ---- ERR-3: a caught error changes nothing ---------------------------------

TEST_P(Errors, ERR_3_caught_error_leaves_state_unchanged) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    self.send(self.self(), 42);

    // A bad timeout takes nothing, even a message that would match.
    EXPECT_THROW(self.receive(on<int>([](int) {}), after(-1ms, [] {})), InvalidTimeout);
    EXPECT_EQ(self.mailbox_size(), 1u);

    // A failed link leaves no link and sends nothing.
    EXPECT_THROW(self.link(dead), NoProc);
    EXPECT_TRUE(self.links().empty());

    // A failed send by name delivers nothing anywhere.
    EXPECT_THROW(self.send("err3-nobody", 7), UnknownName);
    EXPECT_EQ(self.mailbox_size(), 1u);

    // Failed registrations register nothing.
    EXPECT_THROW(self.register_name("", self.self()), InvalidName);
    EXPECT_THROW(self.register_name("err3", dead), NotAlive);
    EXPECT_EQ(self.whereis("err3"), std::nullopt);
    EXPECT_NO_THROW(self.register_name("err3", self.self()));

    // The process carries on, its mailbox intact.
    EXPECT_EQ(self.receive_for<int>(0ms), 42);
    EXPECT_TRUE(drain(self).empty());
  });
}

// ---- ERR-4: sending to a dead pid is silently dropped ----------------------

TEST_P(Errors, ERR_4_send_to_dead_pid_is_dropped) {
  auto share = std::make_shared<int>(0);
  Pid dead;
  run([&](Process& self) {
    dead = dead_pid(self);
    EXPECT_NO_THROW(self.send(dead, Token{share}));
    EXPECT_EQ(share.use_count(), 1) << "the dropped message was kept somewhere";
    EXPECT_NO_THROW(self.send(Pid{}, Token{share}));  // names nobody
    EXPECT_EQ(share.use_count(), 1);
    // The sender is unaffected: no error, no message back.
    EXPECT_TRUE(self.is_alive(self.self()));
    EXPECT_TRUE(drain(self).empty());
  });
  // From outside any process too.
  EXPECT_NO_THROW(rt().send(dead, Token{share}));
  EXPECT_EQ(share.use_count(), 1);
}

// ---- ERR-5: asking about or signalling a dead pid is no error --------------

TEST_P(Errors, ERR_5_dead_pid_queries_and_signals_are_no_error) {
  Pid dead;
  run([&](Process& self) {
    dead = dead_pid(self);
    EXPECT_FALSE(self.is_alive(dead));
    EXPECT_FALSE(self.is_alive(Pid{}));
    EXPECT_NO_THROW(self.exit(dead, ExitReason::user("foo")));
    EXPECT_NO_THROW(self.exit(dead, ExitReason::kill()));
    EXPECT_NO_THROW(self.unlink(dead));
    EXPECT_TRUE(self.links().empty());
    EXPECT_TRUE(drain(self).empty());
  });
  EXPECT_FALSE(rt().is_alive(dead));
  EXPECT_NO_THROW(rt().exit(dead, ExitReason::kill()));
}

// ---- ERR-6: linking to a dead pid -----------------------------------------

TEST_P(Errors, ERR_6_link_dead_pid_not_trapping_throws_noproc) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    EXPECT_THROW(self.link(dead), NoProc);
    // Caught, it leaves the caller alive, unlinked and with no message.
    EXPECT_TRUE(self.links().empty());
    EXPECT_TRUE(drain(self).empty());
  });
}

TEST_P(Errors, ERR_6_link_dead_pid_trapping_gets_exit_noproc) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    self.trap_exit(true);
    EXPECT_NO_THROW(self.link(dead));
    const Exit e = expect_exit_from(self, dead);
    EXPECT_EQ(e.reason, ExitReason::noproc());
    EXPECT_TRUE(self.links().empty());
  });
}

// ---- ERR-7: monitoring a dead pid -----------------------------------------

TEST_P(Errors, ERR_7_monitor_dead_pid_gives_down_noproc) {
  run([](Process& self) {
    const Pid dead = dead_pid(self);
    Ref ref;
    EXPECT_NO_THROW(ref = self.monitor(dead));
    EXPECT_TRUE(static_cast<bool>(ref));
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.pid, dead);
    EXPECT_EQ(d.name, std::nullopt);
    EXPECT_EQ(d.reason, ExitReason::noproc());
    // A pid nobody ever had is just as dead.
    const Ref nobody = self.monitor(Pid{});
    EXPECT_EQ(expect_down(self, nobody).reason, ExitReason::noproc());
  });
}

// ---- ERR-8: demonitor of a monitor that is gone ----------------------------

TEST_P(Errors, ERR_8_demonitor_twice_returns_false) {
  run([](Process& self) {
    const Pid p = self.spawn([](Process& c) { c.receive<Go>(); });
    const Ref ref = self.monitor(p);
    EXPECT_TRUE(self.demonitor(ref));
    EXPECT_FALSE(self.demonitor(ref));
    EXPECT_FALSE(self.demonitor(ref, DemonitorOption::flush));
    // A ref whose Down already fired, and a ref that never was.
    auto [q, qref] = self.spawn_monitor([](Process&) {});
    expect_down(self, qref);
    EXPECT_FALSE(self.demonitor(qref));
    EXPECT_FALSE(self.demonitor(Ref{}));
    // The demonitored process ending sends nothing.
    const Ref watch = self.monitor(p);
    self.send(p, Go{});
    expect_down(self, watch);
    EXPECT_TRUE(drain(self).empty());
  });
}

// ---- ERR-9: process-only calls from anyone else ---------------------------

TEST_P(Errors, ERR_9_process_calls_from_outside_throw_not_in_process) {
  auto handle = std::make_shared<std::promise<Process*>>();
  auto got_handle = handle->get_future();
  ExitReason reason = ExitReason::user("run did not return");
  std::thread owner([&] {
    reason = rt().run([handle](Process& self) {
      handle->set_value(&self);
      EXPECT_EQ(self.receive<int>(), 1);
      // None of the failed calls below touched this process.
      EXPECT_EQ(self.mailbox_size(), 0u);
      EXPECT_TRUE(self.links().empty());
      EXPECT_FALSE(self.trapping_exits());
      EXPECT_TRUE(self.registered().empty());
    });
  });
  if (got_handle.wait_for(patience()) != std::future_status::ready) {
    ADD_FAILURE() << "the process never started";
    rt().shutdown();
    owner.join();
    return;
  }
  Process& p = *got_handle.get();  // blocked in receive until we send 1
  const Pid pid = p.self();
  const Body body = [](Process&) {};
  const std::size_t before = rt().process_count();

  EXPECT_THROW((void)p.receive<int>(), NotInProcess);
  EXPECT_THROW((void)p.receive_for<int>(0ms), NotInProcess);
  EXPECT_THROW(p.send(pid, 1), NotInProcess);
  EXPECT_THROW(p.send("err9-nobody", 1), NotInProcess);
  EXPECT_THROW(p.spawn(body), NotInProcess);
  EXPECT_THROW(p.spawn_link(body), NotInProcess);
  EXPECT_THROW(p.spawn_monitor(body), NotInProcess);
  EXPECT_THROW(p.link(pid), NotInProcess);
  EXPECT_THROW(p.unlink(pid), NotInProcess);
  EXPECT_THROW(p.links(), NotInProcess);
  EXPECT_THROW(p.monitor(pid), NotInProcess);
  EXPECT_THROW(p.monitor("err9-nobody"), NotInProcess);
  EXPECT_THROW(p.demonitor(Ref{}), NotInProcess);
  EXPECT_THROW(p.trap_exit(true), NotInProcess);
  EXPECT_THROW(p.exit(pid, ExitReason::kill()), NotInProcess);
  EXPECT_THROW(p.is_alive(pid), NotInProcess);
  EXPECT_THROW(p.register_name("err9", pid), NotInProcess);
  EXPECT_THROW(p.unregister_name("err9"), NotInProcess);
  EXPECT_THROW(p.whereis("err9"), NotInProcess);
  EXPECT_THROW(p.registered(), NotInProcess);
  EXPECT_THROW(p.mailbox_size(), NotInProcess);
  // What needs no process context still works: who it is.
  EXPECT_EQ(p.self(), pid);
  EXPECT_EQ(rt().process_count(), before) << "a refused spawn started a process";
  EXPECT_TRUE(rt().is_alive(pid));

  rt().send(pid, 1);
  owner.join();
  EXPECT_EQ(reason, ExitReason::normal());
}

TEST_P(Errors, ERR_9_process_calls_from_another_process_throw_not_in_process) {
  run([](Process& self) {
    Process* mine = &self;
    const Pid me = self.self();
    auto [child, ref] = self.spawn_monitor([mine, me](Process& c) {
      EXPECT_THROW(mine->trap_exit(true), NotInProcess);
      EXPECT_THROW(mine->send(me, 1), NotInProcess);
      EXPECT_THROW(mine->link(c.self()), NotInProcess);
      EXPECT_THROW(mine->register_name("err9-other", me), NotInProcess);
      EXPECT_THROW((void)mine->receive_for<int>(0ms), NotInProcess);
      // Its own handle works as ever.
      c.send(me, 2);
    });
    expect_down(self, ref);
    EXPECT_FALSE(self.trapping_exits());
    EXPECT_TRUE(self.links().empty());
    EXPECT_EQ(self.whereis("err9-other"), std::nullopt);
    EXPECT_EQ(expect<int>(self), 2);
    EXPECT_TRUE(drain(self).empty());
  });
}

// ---- ERR-10: a destination that is not a pid or a name does not compile ----

template <class P, class To>
concept can_send_to = requires(P& p, To to) { p.send(to, 1); };

static_assert(can_send_to<Process, Pid>);
static_assert(can_send_to<Process, std::string_view>);
static_assert(!can_send_to<Process, int>);
static_assert(!can_send_to<Process, std::uint64_t>);
static_assert(!can_send_to<Process, Ref>);
static_assert(!can_send_to<Runtime, int>);
static_assert(!can_send_to<Runtime, Ref>);

TEST_P(Errors, ERR_10_send_to_non_pid_does_not_compile) {
  // The static_asserts above are the test; this checks the one runtime
  // counterpart: the empty Pid names nobody and is dropped, not an error.
  run([](Process& self) {
    EXPECT_NO_THROW(self.send(Pid{}, 1));
    EXPECT_TRUE(drain(self).empty());
  });
}

// ---- ERR-11: an unknown backend -------------------------------------------

TEST_P(Errors, ERR_11_unknown_backend_lists_known_ones) {
  try {
    (void)make_runtime("err11-no-such-backend");
    FAIL() << "make_runtime of an unknown name returned";
  } catch (const UnknownBackend& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("err11-no-such-backend"), std::string::npos) << what;
    for (const auto& name : backend_names()) EXPECT_NE(what.find(name), std::string::npos) << what;
  }
}

ACTORSPEC_CONFORMANCE_SUITE(Errors);

}  // namespace
}  // namespace actorspec::conformance
