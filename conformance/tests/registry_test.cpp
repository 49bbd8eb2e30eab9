// Conformance tests for the REG rules (spec/SPEC.md): the name
// registry.
#include <algorithm>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class Registry : public RuntimeTest {};

struct Go {};
struct Hello {
  int n;
};
struct Ack {
  Pid from;
  int n;
};

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A process that answers every Hello with an Ack to `reply_to` until it gets Go.
Body echo_until_go(Pid reply_to) {
  return [reply_to](Process& p) {
    for (;;) {
      const bool go = p.receive(on<Go>([] { return true; }), on<Hello>([&](Hello h) {
                                  p.send(reply_to, Ack{p.self(), h.n});
                                  return false;
                                }));
      if (go) return;
    }
  };
}

// A process that waits for Go and ends normally.
void wait_for_go(Process& p) { p.receive<Go>(); }

TEST_P(Registry, REG_1_register_then_whereis_and_registered) {
  const Pid p = rt().spawn(wait_for_go);
  run([p](Process& self) {
    self.register_name("reg1-worker", p);
    EXPECT_EQ(self.whereis("reg1-worker"), p);
    EXPECT_TRUE(contains(self.registered(), "reg1-worker"));
  });
  // The runtime's owner sees the same registry.
  EXPECT_EQ(rt().whereis("reg1-worker"), p);
  rt().send(p, Go{});
}

TEST_P(Registry, REG_2_register_taken_name_throws) {
  run([](Process& self) {
    const Pid first = self.spawn(wait_for_go);
    const Pid second = self.spawn(wait_for_go);
    self.register_name("reg2", first);
    EXPECT_THROW(self.register_name("reg2", second), NameTaken);
    // The name still points at the first holder, and the second is unnamed:
    // it can take another name.
    EXPECT_EQ(self.whereis("reg2"), first);
    EXPECT_NO_THROW(self.register_name("reg2-other", second));
    EXPECT_EQ(self.whereis("reg2-other"), second);
    // Taking your own name again is also a taken name.
    EXPECT_THROW(self.register_name("reg2", first), NameTaken);
    EXPECT_EQ(self.whereis("reg2"), first);
    self.send(first, Go{});
    self.send(second, Go{});
  });
}

TEST_P(Registry, REG_3_register_already_named_pid_throws) {
  run([](Process& self) {
    const Pid p = self.spawn(wait_for_go);
    self.register_name("reg3-a", p);
    EXPECT_THROW(self.register_name("reg3-b", p), AlreadyRegistered);
    EXPECT_EQ(self.whereis("reg3-a"), p);
    EXPECT_EQ(self.whereis("reg3-b"), std::nullopt);
    EXPECT_FALSE(contains(self.registered(), "reg3-b"));
    self.send(p, Go{});
  });
}

TEST_P(Registry, REG_4_register_dead_pid_throws) {
  run([](Process& self) {
    auto [p, ref] = self.spawn_monitor([](Process&) {});
    expect_down(self, ref);
    EXPECT_THROW(self.register_name("reg4", p), NotAlive);
    EXPECT_THROW(self.register_name("reg4", Pid{}), NotAlive);
    // Ended by our own exit signal, perhaps still unwinding: not alive.
    const Pid killed = self.spawn(wait_for_go);
    self.exit(killed, ExitReason::kill());
    EXPECT_THROW(self.register_name("reg4", killed), NotAlive);
    EXPECT_EQ(self.whereis("reg4"), std::nullopt);
    EXPECT_FALSE(contains(self.registered(), "reg4"));
  });
}

TEST_P(Registry, REG_5_register_empty_name_throws) {
  run([](Process& self) {
    EXPECT_THROW(self.register_name("", self.self()), InvalidName);
    EXPECT_FALSE(contains(self.registered(), ""));
    // The failed call left the process unnamed.
    EXPECT_NO_THROW(self.register_name("reg5", self.self()));
    EXPECT_EQ(self.whereis("reg5"), self.self());
  });
}

TEST_P(Registry, REG_5_undefined_is_an_ordinary_name) {
  run([](Process& self) {
    EXPECT_NO_THROW(self.register_name("undefined", self.self()));
    EXPECT_EQ(self.whereis("undefined"), self.self());
  });
}

TEST_P(Registry, REG_6_name_freed_when_holder_ends) {
  run([](Process& self) {
    // However the holder ends: returning, an uncaught exception, a kill.
    const std::vector<std::pair<std::string, Body>> endings = {
        {"reg6-normal", [](Process& p) { p.receive<Go>(); }},
        {"reg6-crash", [](Process& p) {
           p.receive<Go>();
           throw std::runtime_error("crash");
         }},
        {"reg6-killed", [](Process& p) { p.receive<int>(); }},
    };
    for (const auto& [name, body] : endings) {
      const Pid p = self.spawn(body);
      self.register_name(name, p);
      const Ref ref = self.monitor(p);
      if (name == "reg6-killed") {
        self.exit(p, ExitReason::kill());
      } else {
        self.send(p, Go{});
      }
      expect_down(self, ref);
      EXPECT_EQ(self.whereis(name), std::nullopt) << name;
      EXPECT_FALSE(contains(self.registered(), name)) << name;
      EXPECT_THROW(self.send(name, Hello{1}), UnknownName) << name;
    }
  });
  for (const char* name : {"reg6-normal", "reg6-crash", "reg6-killed"})
    EXPECT_EQ(rt().whereis(name), std::nullopt) << name;
}

TEST_P(Registry, REG_7_freed_name_can_be_reused) {
  run([](Process& self) {
    const Pid me = self.self();
    auto [first, first_ref] = self.spawn_monitor(echo_until_go(me));
    self.register_name("reg7", first);
    self.send("reg7", Go{});
    expect_down(self, first_ref);

    const Pid second = self.spawn(echo_until_go(me));
    EXPECT_NO_THROW(self.register_name("reg7", second));
    EXPECT_EQ(self.whereis("reg7"), second);
    self.send("reg7", Hello{7});
    const Ack ack = expect<Ack>(self);
    EXPECT_EQ(ack.from, second);
    EXPECT_EQ(ack.n, 7);
    self.send(second, Go{});
  });
}

TEST_P(Registry, REG_8_send_by_name_delivers) {
  // Shared: the holder may outlive this scope if the test fails.
  auto got = std::make_shared<std::promise<std::vector<int>>>();
  auto result = got->get_future();
  const Pid holder = rt().spawn([got](Process& p) {
    std::vector<int> ns;
    for (int i = 0; i < 2; ++i) ns.push_back(p.receive<Hello>().n);
    got->set_value(ns);
  });
  run([holder](Process& self) {
    self.register_name("reg8", holder);
    self.send("reg8", Hello{1});
  });
  // From outside any process too.
  rt().send("reg8", Hello{2});
  ASSERT_EQ(result.wait_for(patience()), std::future_status::ready) << "a message sent by name was lost";
  std::vector<int> ns = result.get();
  std::sort(ns.begin(), ns.end());  // two senders: no order between them
  EXPECT_EQ(ns, (std::vector<int>{1, 2}));
}

TEST_P(Registry, REG_9_send_to_unknown_name_throws) {
  EXPECT_THROW(rt().send("reg9-nobody", Hello{1}), UnknownName);
  run([](Process& self) {
    // Never registered.
    EXPECT_THROW(self.send("reg9-nobody", Hello{1}), UnknownName);
    // Registered once, unregistered since: the holder is alive but unnamed.
    const Pid p = self.spawn(echo_until_go(self.self()));
    self.register_name("reg9-was", p);
    self.unregister_name("reg9-was");
    EXPECT_THROW(self.send("reg9-was", Hello{2}), UnknownName);
    // Its pid still reaches it: only the name is gone.
    self.send(p, Hello{3});
    EXPECT_EQ(expect<Ack>(self).n, 3);
    self.send(p, Go{});
  });
}

TEST_P(Registry, REG_10_unregister_frees_name_and_keeps_process) {
  run([](Process& self) {
    const Pid p = self.spawn(echo_until_go(self.self()));
    self.register_name("reg10", p);
    EXPECT_NO_THROW(self.unregister_name("reg10"));
    EXPECT_EQ(self.whereis("reg10"), std::nullopt);
    EXPECT_FALSE(contains(self.registered(), "reg10"));
    EXPECT_TRUE(self.is_alive(p));
    // The process is unnamed again: it may take a new name.
    EXPECT_NO_THROW(self.register_name("reg10-new", p));
    EXPECT_EQ(self.whereis("reg10-new"), p);
    self.send(p, Go{});
  });
}

TEST_P(Registry, REG_10_unregister_unknown_name_throws) {
  run([](Process& self) {
    EXPECT_THROW(self.unregister_name("reg10-nobody"), UnknownName);
    self.register_name("reg10-once", self.self());
    self.unregister_name("reg10-once");
    EXPECT_THROW(self.unregister_name("reg10-once"), UnknownName);
  });
}

TEST_P(Registry, REG_11_whereis_unknown_name_is_empty) {
  EXPECT_EQ(rt().whereis("reg11-nobody"), std::nullopt);
  run([](Process& self) {
    EXPECT_EQ(self.whereis("reg11-nobody"), std::nullopt);
    EXPECT_EQ(self.whereis(""), std::nullopt);
  });
}

TEST_P(Registry, REG_12_any_process_may_name_another) {
  run([](Process& self) {
    const Pid target = self.spawn(wait_for_go);
    // A third process registers, and later unregisters, the target's name.
    auto [third, third_ref] = self.spawn_monitor([target](Process& t) {
      t.register_name("reg12", target);
      EXPECT_EQ(t.whereis("reg12"), target);
    });
    expect_down(self, third_ref);
    EXPECT_EQ(self.whereis("reg12"), target);  // outlives the one who registered it
    auto [fourth, fourth_ref] = self.spawn_monitor([](Process& t) { t.unregister_name("reg12"); });
    EXPECT_EQ(expect_down(self, fourth_ref).reason, ExitReason::normal());
    EXPECT_EQ(self.whereis("reg12"), std::nullopt);
    self.send(target, Go{});
  });
}

// What a name may stand in for: send and monitor take one; link, unlink,
// exit/2 and is_alive take only a Pid, which the compiler enforces.
template <class P>
concept links_by_name = requires(P& p) { p.link(std::string_view("x")); };
template <class P>
concept unlinks_by_name = requires(P& p) { p.unlink(std::string_view("x")); };
template <class P>
concept exits_by_name = requires(P& p) { p.exit(std::string_view("x"), ExitReason::kill()); };
template <class P>
concept asks_alive_by_name = requires(P& p) { p.is_alive(std::string_view("x")); };
template <class P>
concept sends_by_name = requires(P& p) { p.send(std::string_view("x"), 1); };
template <class P>
concept monitors_by_name = requires(P& p) { p.monitor(std::string_view("x")); };

static_assert(!links_by_name<Process>);
static_assert(!unlinks_by_name<Process>);
static_assert(!exits_by_name<Process>);
static_assert(!asks_alive_by_name<Process>);
static_assert(!exits_by_name<Runtime>);
static_assert(!asks_alive_by_name<Runtime>);
static_assert(sends_by_name<Process>);
static_assert(sends_by_name<Runtime>);
static_assert(monitors_by_name<Process>);

TEST_P(Registry, REG_13_only_send_and_monitor_take_a_name) {
  run([](Process& self) {
    const Pid p = self.spawn([](Process& c) {
      c.receive<Go>();
      throw std::runtime_error("reg13");
    });
    self.register_name("reg13", p);
    const Ref ref = self.monitor("reg13");
    self.send("reg13", Go{});
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.name, std::optional<std::string>("reg13"));
    EXPECT_EQ(d.reason, ExitReason::exception("std::runtime_error", "reg13"));
  });
}

TEST_P(Registry, REG_14_each_runtime_has_its_own_names) {
  auto other = make_runtime(GetParam());
  const Pid held = other->spawn(wait_for_go);
  EXPECT_EQ(other->run([held](Process& self) { self.register_name("reg14", held); }), ExitReason::normal());
  EXPECT_EQ(other->whereis("reg14"), held);
  // The same name is free here while the other runtime's holder lives.
  EXPECT_EQ(rt().whereis("reg14"), std::nullopt);
  run([](Process& self) {
    EXPECT_EQ(self.whereis("reg14"), std::nullopt);
    EXPECT_NO_THROW(self.register_name("reg14", self.self()));
    EXPECT_EQ(self.whereis("reg14"), self.self());
  });
  EXPECT_EQ(other->whereis("reg14"), held);
  other->send(held, Go{});
  other->shutdown();
}

ACTORSPEC_CONFORMANCE_SUITE(Registry);

}  // namespace
}  // namespace actorspec::conformance
