// Conformance tests for the RT rules (spec/SPEC.md): the backend
// registry, Runtime::run, process_count, shutdown and destruction.
#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "actorspec_conformance/fixture.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class RuntimeLifecycle : public RuntimeTest {};

struct Go {};
struct Ping {
  Pid from;
};
struct Pong {};
// Holds a share of a resource, to see when the message is destroyed.
struct Token {
  std::shared_ptr<int> share;
};

// Runs Runtime::run on a thread of its own, so the test's thread can act
// (shut down, signal) while the process lives.
class RunOnThread {
 public:
  RunOnThread(Runtime& rt, Body body)
      : rt_(rt), thread_([this, body = std::move(body)]() mutable { reason_ = rt_.run(std::move(body)); }) {}
  // Only a failed test leaves the process running: end it so the join
  // cannot hang.
  ~RunOnThread() {
    if (thread_.joinable()) {
      rt_.shutdown();
      thread_.join();
    }
  }
  ExitReason reason() {
    thread_.join();
    return *reason_;
  }

 private:
  Runtime& rt_;
  std::optional<ExitReason> reason_;
  std::thread thread_;
};

// ---- RT-1: backends by name ------------------------------------------------

TEST_P(RuntimeLifecycle, RT_1_backends_are_listed_and_made_by_name) {
  const std::vector<std::string> names = backend_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "a name is listed twice";
  EXPECT_NE(std::find(names.begin(), names.end(), GetParam()), names.end());
  EXPECT_EQ(rt().backend(), GetParam());

  RuntimeOptions options;
  options.workers = 2;
  auto made = make_runtime(GetParam(), options);
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(made->backend(), GetParam());
  EXPECT_EQ(made->process_count(), 0u);
  EXPECT_EQ(made->run([](Process& self) {
    const Pid me = self.self();
    const Pid child = self.spawn([me](Process& c) { c.send(me, Pong{}); });
    EXPECT_TRUE(static_cast<bool>(child));
    expect<Pong>(self);
  }),
            ExitReason::normal());
}

// ---- RT-2: a third party's backend ----------------------------------------

// A backend written outside the project against spec/ headers only: it
// forwards to an existing runtime and reports its own name.
class ForwardingRuntime final : public Runtime {
 public:
  ForwardingRuntime(std::string name, std::unique_ptr<Runtime> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  std::string_view backend() const override { return name_; }
  unsigned workers() const override { return inner_->workers(); }
  Pid spawn(Body body) override { return inner_->spawn(std::move(body)); }
  ExitReason run(Body body) override { return inner_->run(std::move(body)); }
  void send_message(Pid to, Message m) override { inner_->send_message(to, std::move(m)); }
  void send_message(std::string_view name, Message m) override { inner_->send_message(name, std::move(m)); }
  void exit(Pid target, ExitReason reason) override { inner_->exit(target, std::move(reason)); }
  bool is_alive(Pid p) override { return inner_->is_alive(p); }
  std::optional<Pid> whereis(std::string_view name) override { return inner_->whereis(name); }
  std::size_t process_count() const override { return inner_->process_count(); }
  void shutdown() override { inner_->shutdown(); }

 private:
  std::string name_;
  std::unique_ptr<Runtime> inner_;
};

TEST_P(RuntimeLifecycle, RT_2_third_party_backend_runs_processes) {
  const std::string name = "rt2-forwarding-" + GetParam();
  const std::string inner = GetParam();
  auto made = std::make_shared<std::atomic<int>>(0);
  register_backend(name, [name, inner, made](const RuntimeOptions& o) -> std::unique_ptr<Runtime> {
    ++*made;
    return std::make_unique<ForwardingRuntime>(name, make_runtime(inner, o));
  });
  const auto names = backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), name), names.end());

  auto third = make_runtime(name);
  EXPECT_EQ(*made, 1);
  EXPECT_EQ(third->backend(), name);
  const ExitReason reason = third->run([](Process& self) {
    auto [pong, ref] = self.spawn_monitor([](Process& p) {
      for (int i = 0; i < 3; ++i) {
        const Ping ping = p.receive<Ping>();
        p.send(ping.from, Pong{});
      }
    });
    for (int i = 0; i < 3; ++i) {
      self.send(pong, Ping{self.self()});
      expect<Pong>(self);
    }
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
  });
  EXPECT_EQ(reason, ExitReason::normal());
  third->shutdown();
  EXPECT_EQ(third->process_count(), 0u);

  // Registering under a taken name replaces the factory; the static-init
  // helper registers the same way.
  auto replaced = std::make_shared<std::atomic<int>>(0);
  const BackendRegistration again(name, [name, inner, replaced](const RuntimeOptions& o) -> std::unique_ptr<Runtime> {
    ++*replaced;
    return std::make_unique<ForwardingRuntime>(name, make_runtime(inner, o));
  });
  auto fourth = make_runtime(name);
  EXPECT_EQ(*made, 1);
  EXPECT_EQ(*replaced, 1);
  EXPECT_EQ(fourth->run([](Process&) {}), ExitReason::normal());
}

// ---- RT-3: run returns the exit reason -------------------------------------

TEST_P(RuntimeLifecycle, RT_3_run_returns_the_bodys_exit_reason) {
  EXPECT_EQ(rt().run([](Process&) {}), ExitReason::normal());
  EXPECT_EQ(rt().run([](Process& self) { self.exit(ExitReason::user("done")); }), ExitReason::user("done"));
  EXPECT_EQ(rt().run([](Process&) { throw std::runtime_error("bad"); }),
            ExitReason::exception("std::runtime_error", "bad"));
  EXPECT_EQ(rt().run([](Process& self) { self.exit(self.self(), ExitReason::kill()); }), ExitReason::killed());
  // Ended by a linked process: the reason it was given.
  EXPECT_EQ(rt().run([](Process& self) {
    self.spawn_link([](Process& c) { c.exit(ExitReason::user("linked")); });
    self.receive<Go>();  // never comes
  }),
            ExitReason::user("linked"));
  // What a body sets up outlives run: a spawned child is not waited for.
  const Pid left = [&] {
    Pid child;
    EXPECT_EQ(rt().run([&child](Process& self) { child = self.spawn([](Process& c) { c.receive<Go>(); }); }),
              ExitReason::normal());
    return child;
  }();
  EXPECT_TRUE(rt().is_alive(left));
  rt().send(left, Go{});
}

// ---- RT-4: run and shutdown are refused inside a process -------------------

TEST_P(RuntimeLifecycle, RT_4_run_and_shutdown_inside_a_process_throw_badarg) {
  auto started = std::make_shared<std::atomic<bool>>(false);
  run([started](Process& self) {
    EXPECT_THROW(self.runtime().run([started](Process&) { *started = true; }), BadArg);
    EXPECT_THROW(self.runtime().shutdown(), BadArg);
    // The runtime still works: nothing was stopped.
    auto [child, ref] = self.spawn_monitor([](Process&) {});
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
  });
  EXPECT_FALSE(*started) << "a refused run still started its body";
  EXPECT_EQ(rt().run([](Process&) {}), ExitReason::normal());
  // Uncaught, the refusal ends the process like any error (ERR-2).
  const ExitReason r = rt().run([](Process& self) { self.runtime().run([](Process&) {}); });
  EXPECT_EQ(r.exception_type(), "actorspec::BadArg") << r;
}

// ---- RT-5: process_count ---------------------------------------------------

TEST_P(RuntimeLifecycle, RT_5_process_count_counts_started_not_ended) {
  EXPECT_EQ(rt().process_count(), 0u);
  std::vector<Pid> parked;
  for (int i = 0; i < 5; ++i) parked.push_back(rt().spawn([](Process& p) { p.receive<Go>(); }));
  EXPECT_EQ(rt().process_count(), 5u);

  // Once run has returned, its process is no longer counted.
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(rt().run([](Process&) {}), ExitReason::normal());
    ASSERT_EQ(rt().process_count(), 5u) << "after run " << i;
  }

  // Once a Down has been seen, that process is no longer counted.
  run([&](Process& self) {
    for (Pid p : parked) {
      const Ref ref = self.monitor(p);
      self.send(p, Go{});
      expect_down(self, ref);
    }
  });
  EXPECT_EQ(rt().process_count(), 0u);
}

// ---- RT-6: shutdown ends every process with `shutdown` ---------------------

TEST_P(RuntimeLifecycle, RT_6_shutdown_ends_parked_running_and_trapping_processes) {
  std::latch ready(5);
  // Parked in receive, no after clause.
  RunOnThread parked(rt(), [&ready](Process& self) {
    ready.count_down();
    self.receive<Go>();
  });
  // Parked in receive with an after clause that would end it normally.
  RunOnThread parked_with_after(rt(), [&ready](Process& self) {
    ready.count_down();
    self.receive(on<Go>([] {}), after(patience(), [] {}));
  });
  // Trapping exits, linked to a parked child; it would return on any Exit.
  RunOnThread trapping(rt(), [&ready](Process& self) {
    self.trap_exit(true);
    self.spawn_link([](Process& c) { c.receive<Go>(); });
    ready.count_down();
    (void)self.receive<Exit>();
  });
  // Monitoring a parked process; it would return on the Down.
  RunOnThread monitoring(rt(), [&ready](Process& self) {
    const Pid watched = self.spawn([](Process& c) { c.receive<Go>(); });
    self.register_name("rt6-monitoring", self.self());
    const Ref ref = self.monitor(watched);
    ready.count_down();
    (void)expect_down(self, ref);
  });
  // Running: never parks, but calls into the runtime.
  RunOnThread running(rt(), [&ready](Process& self) {
    ready.count_down();
    for (;;) (void)self.receive_for<Go>(0ms);
  });
  ready.wait();

  rt().shutdown();
  EXPECT_EQ(rt().process_count(), 0u);
  EXPECT_EQ(rt().whereis("rt6-monitoring"), std::nullopt);
  EXPECT_EQ(parked.reason(), ExitReason::shutdown());
  EXPECT_EQ(parked_with_after.reason(), ExitReason::shutdown());
  EXPECT_EQ(trapping.reason(), ExitReason::shutdown());
  EXPECT_EQ(monitoring.reason(), ExitReason::shutdown());
  EXPECT_EQ(running.reason(), ExitReason::shutdown());
}

TEST_P(RuntimeLifecycle, RT_6_shutdown_ends_spawned_processes) {
  std::vector<Pid> pids;
  for (int i = 0; i < 20; ++i) pids.push_back(rt().spawn([](Process& p) { p.receive<Go>(); }));
  for (int i = 0; i < 5; ++i)
    pids.push_back(rt().spawn([](Process& p) {
      p.trap_exit(true);
      for (;;) (void)p.receive<Exit>();
    }));
  EXPECT_EQ(rt().process_count(), pids.size());
  rt().shutdown();
  EXPECT_EQ(rt().process_count(), 0u);
  for (Pid p : pids) EXPECT_FALSE(rt().is_alive(p));
}

// ---- RT-7: shutdown is idempotent ------------------------------------------

TEST_P(RuntimeLifecycle, RT_7_shutdown_is_idempotent) {
  for (int i = 0; i < 10; ++i) rt().spawn([](Process& p) { p.receive<Go>(); });
  // Two callers at once: neither returns before every process has ended.
  std::size_t seen_a = 99, seen_b = 99;
  std::thread a([&] {
    rt().shutdown();
    seen_a = rt().process_count();
  });
  std::thread b([&] {
    rt().shutdown();
    seen_b = rt().process_count();
  });
  a.join();
  b.join();
  EXPECT_EQ(seen_a, 0u);
  EXPECT_EQ(seen_b, 0u);
  EXPECT_NO_THROW(rt().shutdown());
  EXPECT_EQ(rt().process_count(), 0u);
  // The fixture's TearDown shuts down once more, then destroys the runtime.
}

// ---- RT-8: after shutdown --------------------------------------------------

TEST_P(RuntimeLifecycle, RT_8_spawn_after_shutdown_throws_runtime_stopped) {
  const Pid before = rt().spawn([](Process& p) { p.receive<Go>(); });
  rt().shutdown();
  EXPECT_THROW(rt().spawn([](Process&) {}), RuntimeStopped);
  EXPECT_THROW(rt().run([](Process&) {}), RuntimeStopped);
  EXPECT_EQ(rt().process_count(), 0u);
  // The rest of the owner's interface still answers, as for dead processes.
  EXPECT_FALSE(rt().is_alive(before));
  EXPECT_NO_THROW(rt().send(before, Go{}));
  EXPECT_NO_THROW(rt().exit(before, ExitReason::kill()));
  EXPECT_EQ(rt().whereis("anything"), std::nullopt);
  EXPECT_THROW(rt().send("anything", Go{}), UnknownName);
}

TEST_P(RuntimeLifecycle, RT_8_process_spawning_during_shutdown_ends_with_shutdown) {
  std::latch spawning(1);
  RunOnThread spawner(rt(), [&spawning](Process& self) {
    for (bool first = true;; first = false) {
      self.spawn([](Process&) {});
      if (first) spawning.count_down();
    }
  });
  spawning.wait();
  rt().shutdown();
  EXPECT_EQ(spawner.reason(), ExitReason::shutdown());
  EXPECT_EQ(rt().process_count(), 0u);
}

// ---- RT-9: destroying a runtime --------------------------------------------

TEST_P(RuntimeLifecycle, RT_9_destroying_a_runtime_ends_and_frees_everything) {
  auto share = std::make_shared<int>(0);
  {
    std::latch running(1);
    auto doomed = make_runtime(GetParam());
    std::vector<Pid> pids;
    for (int i = 0; i < 10; ++i) pids.push_back(doomed->spawn([share](Process& p) { p.receive<Go>(); }));
    pids.push_back(doomed->spawn([share](Process& p) { p.receive(on<Go>([] {}), after(patience(), [] {})); }));
    pids.push_back(doomed->spawn([share](Process& p) {
      p.trap_exit(true);
      p.spawn_link([share](Process& c) { c.receive<Go>(); });
      for (;;) (void)p.receive<Go>();
    }));
    pids.push_back(doomed->spawn([share, &running](Process& p) {
      running.count_down();
      for (;;) (void)p.receive_for<Go>(0ms);
    }));
    running.wait();
    // Messages nobody will take, holding shares too.
    for (Pid p : pids) doomed->send(p, Token{share});
  }
  EXPECT_EQ(share.use_count(), 1) << "a body or a message outlived its runtime";
}

// ---- RT-10: the owner's interface ------------------------------------------

TEST_P(RuntimeLifecycle, RT_10_owner_sends_signals_and_queries_from_outside) {
  auto pid_of_trapper = std::make_shared<std::promise<Pid>>();
  auto trapper_pid = pid_of_trapper->get_future();
  RunOnThread trapper(rt(), [pid_of_trapper](Process& self) {
    self.trap_exit(true);
    self.register_name("rt10", self.self());
    pid_of_trapper->set_value(self.self());
    const Exit e = expect<Exit>(self);
    EXPECT_EQ(e.from, Pid{}) << "a signal from outside any process has no sender";
    EXPECT_EQ(e.reason, ExitReason::user("from-outside"));
    EXPECT_EQ(expect<int>(self), 5);
    EXPECT_EQ(expect<int>(self), 6);
  });
  ASSERT_EQ(trapper_pid.wait_for(patience()), std::future_status::ready);
  const Pid p = trapper_pid.get();
  EXPECT_TRUE(rt().is_alive(p));
  EXPECT_EQ(rt().whereis("rt10"), p);
  rt().exit(p, ExitReason::user("from-outside"));
  rt().send(p, 5);
  rt().send("rt10", 6);
  EXPECT_EQ(trapper.reason(), ExitReason::normal());
  EXPECT_FALSE(rt().is_alive(p));

  // kill from outside is untrappable and becomes killed.
  auto pid_of_victim = std::make_shared<std::promise<Pid>>();
  auto victim_pid = pid_of_victim->get_future();
  RunOnThread victim(rt(), [pid_of_victim](Process& self) {
    self.trap_exit(true);
    pid_of_victim->set_value(self.self());
    for (;;) (void)self.receive<Exit>();
  });
  ASSERT_EQ(victim_pid.wait_for(patience()), std::future_status::ready);
  rt().exit(victim_pid.get(), ExitReason::kill());
  EXPECT_EQ(victim.reason(), ExitReason::killed());
}

ACTORSPEC_CONFORMANCE_SUITE(RuntimeLifecycle);

}  // namespace
}  // namespace actorspec::conformance
