// guide/worker_pool: the guide's WorkerPool: a coordinator keeps a list of
// ready workers; {schedule, id, fun, from} hands the work to a ready worker
// and answers {scheduled, id}, or answers {error, no_workers_available}.
// A worker runs the function and reports {done, pid, id, result}.
//
// Two changes, both so it can be measured: the coordinator forwards each
// {done} to the client as {completed, id, result} (the guide prints it), and
// a worker announces {ready} once at start, not again on every loop (in the
// guide a worker re-announces itself after each job while {done} also makes
// it ready, so the ready list gains one duplicate per job).
// The client submits J jobs; on no_workers_available it waits for one job
// to complete and retries. Reports ns per job, from submit until all J
// completed (jobs/s as items_per_second).

#include <functional>

#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

using Job = std::function<std::int64_t()>;

struct Ready {
  Pid worker;
};
struct Work {
  std::int64_t id;
  Job fn;
};
struct Done {
  Pid worker;
  std::int64_t id, result;
};
struct Schedule {
  std::int64_t id;
  Job fn;
  Pid from;
};
struct Scheduled {
  std::int64_t id;
};
struct NoWorkers {
  std::int64_t id;
};
struct Completed {
  std::int64_t id, result;
};
struct Stop {};

void worker_loop(Process& self, Pid coordinator) {
  self.send(coordinator, Ready{self.self()});
  for (;;) {
    const bool go_on = self.receive(
        on<Work>([&](Work w) {
          self.send(coordinator, Done{self.self(), w.id, w.fn()});
          return true;
        }),
        on<Stop>([] { return false; }));
    if (!go_on) return;
  }
}

void coordinator(Process& self, int workers, Pid client) {
  const Pid me = self.self();
  std::vector<Pid> all;
  for (int i = 0; i < workers; ++i) all.push_back(self.spawn([me](Process& p) { worker_loop(p, me); }));
  std::vector<Pid> ready;
  for (;;) {
    const bool go_on = self.receive(
        on<Ready>([&](Ready r) {
          ready.push_back(r.worker);
          return true;
        }),
        on<Schedule>([&](Schedule s) {
          if (ready.empty()) {
            self.send(s.from, NoWorkers{s.id});
          } else {
            const Pid w = ready.back();
            ready.pop_back();
            self.send(w, Work{s.id, std::move(s.fn)});
            self.send(s.from, Scheduled{s.id});
          }
          return true;
        }),
        on<Done>([&](Done d) {
          ready.push_back(d.worker);
          self.send(client, Completed{d.id, d.result});
          return true;
        }),
        on<Stop>([&] {
          for (const Pid w : all) self.send(w, Stop{});
          return false;
        }));
    if (!go_on) return;
  }
}

// The client side: submits jobs and counts completions.
struct Client {
  Process& self;
  Pid pool;
  std::int64_t scheduled = 0;
  std::int64_t completed = 0;
  std::int64_t result_sum = 0;

  void complete_one() {
    result_sum += self.receive<Completed>().result;
    ++completed;
  }
  void submit(std::int64_t id) {
    for (;;) {
      self.send(pool, Schedule{id, [id] { return id % 1000; }, self.self()});
      const bool accepted = self.receive(on<Scheduled>([] { return true; }), on<NoWorkers>([] { return false; }));
      if (accepted) {
        ++scheduled;
        return;
      }
      // Every worker is busy: wait until one finishes. With none busy, the
      // workers have not announced themselves yet: retry.
      if (scheduled > completed) complete_one();
    }
  }
  void await_all() {
    while (completed < scheduled) complete_one();
  }
};

void guide_worker_pool(benchmark::State& state, const BackendInfo& backend, int workers, std::int64_t jobs) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per job through the guide's WorkerPool (" + std::to_string(workers) +
                 " workers), submit until all completed");
  measure(state, *rt, jobs, [&](Process& self) {
    const Pid me = self.self();
    Client client{self, self.spawn([me, workers](Process& p) { coordinator(p, workers, me); })};
    for (std::int64_t id = 0; id < 2 * workers; ++id) client.submit(id);  // warm-up: workers up
    client.await_all();
    client.result_sum = 0;
    std::int64_t expected_sum = 0;
    const auto t0 = Clock::now();
    for (std::int64_t id = 0; id < jobs; ++id) {
      client.submit(id);
      expected_sum += id % 1000;
    }
    client.await_all();
    const double seconds = seconds_between(t0, Clock::now());
    if (client.result_sum != expected_sum) throw std::logic_error("jobs were lost or done twice");
    self.send(client.pool, Stop{});
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_worker_pool(const Registrar& r) {
  constexpr int kWorkers = 4;
  const std::int64_t jobs = r.size<std::int64_t>(200, 10'000);
  r.for_each_backend("guide/worker_pool/pool:" + std::to_string(kWorkers), jobs,
                     [jobs](benchmark::State& s, const BackendInfo& b) { guide_worker_pool(s, b, kWorkers, jobs); });
}

}  // namespace actorspec::perf
