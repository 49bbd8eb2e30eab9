// Conformance tests for the GDE rules (spec/SPEC.md): the examples of the
// Elixir processes guide. The guide's programs themselves (counter,
// key-value store, parallel map, worker pool) live in guide/ and are the
// same code the perf suite times (perf/bench_guide_*.cpp).
#include <algorithm>
#include <deque>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actorspec_conformance/fixture.hpp"
#include "actorspec_guide/counter.hpp"
#include "actorspec_guide/kv_store.hpp"
#include "actorspec_guide/parallel_map.hpp"
#include "actorspec_guide/worker_pool.hpp"

using namespace std::chrono_literals;

namespace actorspec::conformance {
namespace {

class GuideScenarios : public RuntimeTest {};

struct Go {};
struct Stop {};

// ---- GDE-1: the counter ----------------------------------------------------

namespace counter = guide::counter;
namespace kv = guide::kv;
namespace pool = guide::pool;

TEST_P(GuideScenarios, GDE_1_counter) {
  run([](Process& self) {
    auto [c, ref] = self.spawn_monitor(counter::start(0));
    EXPECT_EQ(counter::increment(self, c, patience()), 1);
    EXPECT_EQ(counter::increment(self, c, patience()), 2);
    EXPECT_EQ(counter::get(self, c, patience()), 2);
    EXPECT_EQ(counter::increment(self, c, patience()), 3);

    // Requests sent back to back, without waiting: handled in send order.
    for (int i = 0; i < 3; ++i) self.send(c, counter::Increment{self.self()});
    self.send(c, counter::Get{self.self()});
    for (int expected : {4, 5, 6, 6}) EXPECT_EQ(counter::await_value(self, patience()), expected);

    counter::stop(self, c);
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
    // A request to a stopped counter gets no answer: only the client's own
    // timeout ends the wait.
    EXPECT_EQ(counter::get(self, c, scaled(50ms)), std::nullopt);
  });
}

TEST_P(GuideScenarios, GDE_1_counter_with_initial_value) {
  run([](Process& self) {
    auto [c, ref] = self.spawn_monitor(counter::start(10));
    EXPECT_EQ(counter::get(self, c, patience()), 10);
    EXPECT_EQ(counter::increment(self, c, patience()), 11);
    EXPECT_EQ(counter::get(self, c, patience()), 11);
    counter::stop(self, c);
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
  });
}

// ---- GDE-2: the key-value store --------------------------------------------

TEST_P(GuideScenarios, GDE_2_key_value_store) {
  run([](Process& self) {
    auto [store, ref] = self.spawn_monitor(kv::start());
    kv::put(self, store, "b", 2);
    kv::put(self, store, "a", 1);
    kv::put(self, store, "c", 3);
    EXPECT_EQ(kv::keys(self, store), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(kv::get(self, store, "a"), 1);
    EXPECT_EQ(kv::get(self, store, "missing"), std::nullopt);
    kv::del(self, store, "a");
    EXPECT_EQ(kv::keys(self, store), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(kv::get(self, store, "a"), std::nullopt);
    kv::del(self, store, "never-there");  // deleting a missing key is fine
    kv::put(self, store, "b", 20);        // put replaces
    EXPECT_EQ(kv::get(self, store, "b"), 20);
    kv::stop(self, store);
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
  });
}

TEST_P(GuideScenarios, GDE_2_keys_sorted_however_many) {
  run([](Process& self) {
    auto [store, ref] = self.spawn_monitor(kv::start());
    // 40 keys (Elixir stops sorting above 32), inserted in a scrambled order.
    std::vector<std::string> expected;
    for (int i = 0; i < 40; ++i) {
      const int k = (i * 17) % 40;
      kv::put(self, store, "k" + std::to_string(100 + k), k);
      expected.push_back("k" + std::to_string(100 + i));
    }
    EXPECT_EQ(kv::keys(self, store), expected);
    kv::stop(self, store);
    expect_down(self, ref);
  });
}

// ---- GDE-3: ping-pong ------------------------------------------------------

namespace pingpong {

struct Ping {
  int round;
  Pid from;
};
struct Pong {
  int round;
};
struct Finished {
  std::string who;
  std::vector<int> rounds_seen;
};

Body pong(int rounds, Pid report_to) {
  return [rounds, report_to](Process& self) {
    Finished f{"pong", {}};
    for (int i = 0; i < rounds; ++i) {
      const Ping p = self.receive<Ping>();
      f.rounds_seen.push_back(p.round);
      self.send(p.from, Pong{p.round});
    }
    self.send(report_to, std::move(f));
  };
}

Body ping(int rounds, Pid pong_pid, Pid report_to) {
  return [rounds, pong_pid, report_to](Process& self) {
    Finished f{"ping", {}};
    for (int round = 1; round <= rounds; ++round) {
      self.send(pong_pid, Ping{round, self.self()});
      f.rounds_seen.push_back(self.receive<Pong>().round);
    }
    self.send(report_to, std::move(f));
  };
}

}  // namespace pingpong

void play_ping_pong(Process& self, int rounds) {
  auto [pong, pong_ref] = self.spawn_monitor(pingpong::pong(rounds, self.self()));
  auto [ping, ping_ref] = self.spawn_monitor(pingpong::ping(rounds, pong, self.self()));
  std::vector<int> one_to_n(rounds);
  std::iota(one_to_n.begin(), one_to_n.end(), 1);
  // Which of the two finishes first is not specified: take them as they come.
  std::map<std::string, std::vector<int>> finished;
  for (int i = 0; i < 2; ++i) {
    auto f = expect<pingpong::Finished>(self);
    finished[f.who] = std::move(f.rounds_seen);
  }
  EXPECT_EQ(finished["ping"], one_to_n);
  EXPECT_EQ(finished["pong"], one_to_n);
  EXPECT_EQ(expect_down(self, ping_ref).reason, ExitReason::normal());
  EXPECT_EQ(expect_down(self, pong_ref).reason, ExitReason::normal());
}

TEST_P(GuideScenarios, GDE_3_ping_pong) {
  run([](Process& self) { play_ping_pong(self, 3); });
}

TEST_P(GuideScenarios, GDE_3_ping_pong_many_rounds) {
  run([](Process& self) { play_ping_pong(self, 2000); });
}

// ---- GDE-4: priority through selective receive -----------------------------

struct High {
  int n;
};
struct Low {
  int n;
};

std::string take_high(High h) { return "high" + std::to_string(h.n); }
std::string take_low(Low l) { return "low" + std::to_string(l.n); }

TEST_P(GuideScenarios, GDE_4_high_priority_taken_first) {
  run([](Process& self) {
    self.send(self.self(), Low{1});
    self.send(self.self(), High{2});
    self.send(self.self(), Low{3});
    EXPECT_EQ(self.receive(on<High>(take_high)), "high2");
    EXPECT_EQ(self.receive(on<Low>(take_low)), "low1");
    EXPECT_EQ(self.receive(on<Low>(take_low)), "low3");
    EXPECT_TRUE(drain(self).empty());
  });
}

TEST_P(GuideScenarios, GDE_4_after_zero_priority_idiom) {
  run([](Process& self) {
    self.send(self.self(), Low{1});
    self.send(self.self(), High{2});
    self.send(self.self(), Low{3});
    self.send(self.self(), High{4});
    // Any high message first; only when there is none, wait for a low one.
    auto next = [&self] {
      // (expect<Low> is the guide's blocking receive, bounded by patience()
      // so that a broken runtime fails the test instead of hanging it.)
      return self.receive(on<High>(take_high), after(0ms, [&self] { return take_low(expect<Low>(self)); }));
    };
    std::vector<std::string> order;
    for (int i = 0; i < 4; ++i) order.push_back(next());
    EXPECT_EQ(order, (std::vector<std::string>{"high2", "high4", "low1", "low3"}));
  });
}

TEST_P(GuideScenarios, GDE_4_clause_order_gives_no_priority) {
  run([](Process& self) {
    self.send(self.self(), Low{1});
    self.send(self.self(), High{2});
    self.send(self.self(), Low{3});
    std::vector<std::string> order;
    for (int i = 0; i < 3; ++i) order.push_back(self.receive(on<High>(take_high), on<Low>(take_low)));
    EXPECT_EQ(order, (std::vector<std::string>{"low1", "high2", "low3"}));
  });
}

// ---- GDE-5: spawn_link and trap_exit ---------------------------------------

TEST_P(GuideScenarios, GDE_5_trapped_crash_of_linked_child) {
  run([](Process& self) {
    self.trap_exit(true);
    const Pid child = self.spawn_link([](Process&) { throw std::runtime_error("Crash!"); });
    const Exit e = expect_exit_from(self, child);
    EXPECT_EQ(e.reason, ExitReason::exception("std::runtime_error", "Crash!"));
    // The parent handled the crash and continues.
    EXPECT_TRUE(self.links().empty());
    self.send(self.self(), Go{});
    expect<Go>(self);
  });
}

TEST_P(GuideScenarios, GDE_5_trapped_reasons_of_each_ending) {
  run([](Process& self) {
    self.trap_exit(true);
    auto reason_of = [&self](Body body) { return expect_exit_from(self, self.spawn_link(std::move(body))).reason; };
    EXPECT_EQ(reason_of([](Process& c) { c.exit(ExitReason::user("boom")); }), ExitReason::user("boom"));
    EXPECT_EQ(reason_of([](Process&) {}), ExitReason::normal());
    EXPECT_EQ(reason_of([](Process& c) { c.exit(c.self(), ExitReason::kill()); }), ExitReason::killed());
    EXPECT_EQ(reason_of([](Process&) { throw 42; }).kind(), ExitReason::Kind::exception);
  });
}

TEST_P(GuideScenarios, GDE_5_untrapped_crash_takes_the_parent_down) {
  run([](Process& self) {
    auto [parent, ref] = self.spawn_monitor([](Process& p) {
      p.spawn_link([](Process&) { throw std::runtime_error("Crash!"); });
      p.receive<Go>();  // never comes: the child's crash ends the parent first
    });
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::exception("std::runtime_error", "Crash!"));
  });
}

// ---- GDE-6: a monitor on a crashing process --------------------------------

TEST_P(GuideScenarios, GDE_6_monitor_sees_crash_and_continues) {
  run([](Process& self) {
    const Pid p = self.spawn([](Process& c) {
      c.receive<Go>();
      throw std::runtime_error("Crash!");
    });
    const Ref ref = self.monitor(p);
    self.send(p, Go{});
    const Down d = expect_down(self, ref);
    EXPECT_EQ(d.pid, p);
    EXPECT_EQ(d.name, std::nullopt);
    EXPECT_EQ(d.reason, ExitReason::exception("std::runtime_error", "Crash!"));
    // One-way: the monitoring process carries on.
    EXPECT_FALSE(self.is_alive(p));
    auto [q, qref] = self.spawn_monitor([](Process&) {});
    EXPECT_EQ(expect_down(self, qref).reason, ExitReason::normal());
  });
}

// ---- GDE-7: a registered name ----------------------------------------------

struct Echo {
  std::string text;
};

TEST_P(GuideScenarios, GDE_7_registered_name) {
  run([](Process& self) {
    const Pid me = self.self();
    auto [worker, ref] = self.spawn_monitor([me](Process& w) { w.send(me, Echo{w.receive<std::string>()}); });
    self.register_name("my_worker", worker);
    // Asked before the send: once the worker has its message it may end at
    // any moment, and its name with it.
    EXPECT_EQ(self.whereis("my_worker"), worker);
    self.send("my_worker", "Hello!");
    EXPECT_EQ(expect<Echo>(self).text, "Hello!");
    EXPECT_EQ(expect_down(self, ref).reason, ExitReason::normal());
    EXPECT_EQ(self.whereis("my_worker"), std::nullopt);
  });
}

// ---- GDE-8: parallel map ---------------------------------------------------

namespace pmap {

using TaskResult = guide::pmap::TaskResult<int>;

// The guide's parallel_map (guide/) with a failure path it lacks: each task
// is monitored, so a crash is reported instead of waited for forever. A
// test's extension, not one of the guide's programs.
struct Outcome {
  std::vector<int> values;
  std::optional<ExitReason> failure;
};

template <class F>
Outcome monitored_parallel_map(Process& self, const std::vector<int>& xs, F fn) {
  const Pid parent = self.self();
  std::vector<std::pair<Pid, Ref>> tasks;
  for (int x : xs)
    tasks.push_back(
        self.spawn_monitor([parent, x, fn](Process& t) { t.send(parent, TaskResult{t.self(), fn(t, x)}); }));
  Outcome out;
  for (auto [task, ref] : tasks) {
    // A task's result comes before its Down (same sender), so only an
    // abnormal Down can be seen first.
    auto value = self.receive(
        on<TaskResult>([task](const TaskResult& r) { return r.from == task; },
                       [](TaskResult r) { return std::optional<int>(r.value); }),
        on<Down>([ref](const Down& d) { return d.ref == ref && !d.reason.is_normal(); },
                 [&out](Down d) {
                   out.failure = d.reason;
                   return std::optional<int>();
                 }),
        after(patience(), []() -> std::optional<int> { throw ExpectationTimeout("no result, no Down"); }));
    if (!value) break;
    out.values.push_back(*value);
  }
  for (auto [task, ref] : tasks) {
    self.demonitor(ref, DemonitorOption::flush);
    if (out.failure) self.exit(task, ExitReason::kill());
  }
  return out;
}

struct TaskReady {
  Pid task;
  int x;
};
struct ReleaseOrder {
  std::vector<int> xs;
};

}  // namespace pmap

TEST_P(GuideScenarios, GDE_8_parallel_map_keeps_input_order) {
  run([](Process& self) {
    const std::vector<int> xs = {1, 2, 3, 4, 5};
    const Pid parent = self.self();
    const int n = static_cast<int>(xs.size());
    // Lets the tasks finish one by one in reverse input order: each is
    // released only after the previous one has ended.
    const Pid releaser = self.spawn([n, parent](Process& r) {
      std::map<int, Pid> waiting;
      for (int i = 0; i < n; ++i) {
        const auto ready = r.receive<pmap::TaskReady>();
        waiting[ready.x] = ready.task;
      }
      pmap::ReleaseOrder order;
      for (auto it = waiting.rbegin(); it != waiting.rend(); ++it) {
        const Ref ref = r.monitor(it->second);
        r.send(it->second, Go{});
        EXPECT_EQ(expect_down(r, ref).reason, ExitReason::normal());
        order.xs.push_back(it->first);
      }
      r.send(parent, std::move(order));
    });
    const auto squares = guide::pmap::parallel_map(self, xs, [releaser](Process& t, int x) {
      t.send(releaser, pmap::TaskReady{t.self(), x});
      t.receive<Go>();
      return x * x;
    });
    EXPECT_EQ(squares, (std::vector<int>{1, 4, 9, 16, 25}));
    EXPECT_EQ(expect<pmap::ReleaseOrder>(self).xs, (std::vector<int>{5, 4, 3, 2, 1}));
  });
}

TEST_P(GuideScenarios, GDE_8_parallel_map_reports_a_crashed_task) {
  run([](Process& self) {
    const auto ok = pmap::monitored_parallel_map(self, {1, 2, 3}, [](Process&, int x) { return x * x; });
    EXPECT_EQ(ok.failure, std::nullopt);
    EXPECT_EQ(ok.values, (std::vector<int>{1, 4, 9}));
    EXPECT_TRUE(drain(self).empty()) << "flush left a Down behind";

    const auto failed = pmap::monitored_parallel_map(self, {1, 2, 3}, [](Process&, int x) {
      if (x == 2) throw std::runtime_error("bad input 2");
      return x * x;
    });
    EXPECT_EQ(failed.failure, ExitReason::exception("std::runtime_error", "bad input 2"));
    EXPECT_EQ(failed.values, (std::vector<int>{1}));
  });
}

// ---- GDE-9: a worker pool --------------------------------------------------

// Stochastic: half the jobs race with the workers starting; which jobs meet
// which state of the pool differs from run to run.
TEST_P(GuideScenarios, GDE_9_stochastic_worker_pool_queues_early_work_and_loses_none) {
  run([](Process& self) {
    constexpr int kJobs = 300;
    constexpr int kWorkers = 4;
    auto [coord, coord_ref] = self.spawn_monitor(pool::coordinator);
    // Half the jobs arrive before any worker exists, let alone registered.
    for (int id = 0; id < kJobs / 2; ++id) self.send(coord, pool::Job{id, id, self.self()});
    for (int i = 0; i < kWorkers; ++i) EXPECT_EQ(self.whereis(pool::worker_name(i)), std::nullopt);
    self.send(coord, pool::StartWorkers{kWorkers});
    // The other half race with the workers starting and registering.
    for (int id = kJobs / 2; id < kJobs; ++id) self.send(coord, pool::Job{id, id, self.self()});

    std::vector<int> times_seen(kJobs, 0);
    for (int i = 0; i < kJobs; ++i) {
      const auto r = expect<pool::Result>(self);
      ASSERT_GE(r.id, 0);
      ASSERT_LT(r.id, kJobs);
      ++times_seen[r.id];
      EXPECT_EQ(r.output, pool::work(r.id));
    }
    EXPECT_EQ(times_seen, std::vector<int>(kJobs, 1));

    self.send(coord, pool::Stop{});
    EXPECT_EQ(expect_down(self, coord_ref).reason, ExitReason::normal());
    // Every Result came from the coordinator, before its Down: a duplicate
    // would be here now.
    EXPECT_TRUE(drain(self).empty());
    for (int i = 0; i < kWorkers; ++i) EXPECT_EQ(self.whereis(pool::worker_name(i)), std::nullopt);
  });
}

TEST_P(GuideScenarios, GDE_9_early_work_by_name_fails_by_pid_waits) {
  run([](Process& self) {
    const Pid me = self.self();
    const Pid worker = self.spawn([me](Process& w) {
      w.receive<Go>();  // not ready yet: registers only after Go
      w.register_name("gde9-late-worker", w.self());
      const auto work = w.receive<pool::Work>();
      w.send(me, pool::Result{work.job.id, pool::work(work.job.input)});
    });
    // The guide's race, made certain: by name, the work is refused...
    EXPECT_THROW(self.send("gde9-late-worker", pool::Work{pool::Job{1, 6, me}}), UnknownName);
    // ...by pid it waits in the mailbox until the worker gets to it.
    self.send(worker, pool::Work{pool::Job{2, 6, me}});
    self.send(worker, Go{});
    const auto r = expect<pool::Result>(self);
    EXPECT_EQ(r.id, 2);
    EXPECT_EQ(r.output, pool::work(6));
  });
}

ACTORSPEC_CONFORMANCE_SUITE(GuideScenarios);

}  // namespace
}  // namespace actorspec::conformance
