// guide/worker_pool: the guide's WorkerPool as GDE-9 states it
// (guide/worker_pool.hpp, the code GDE-9's conformance tests check):
// workers register their names and report Ready; the coordinator queues
// jobs and hands each to a ready worker by name; results go to the client.
// The client starts the workers, submits J jobs back to back and waits for
// all J results. Reports ns per job, from the first submit until the last
// result (jobs/s as items_per_second). The pool is started and warmed, and
// stopped (names freed) outside the timed region.

#include <map>
#include <stdexcept>
#include <string>

#include "actorspec_guide/worker_pool.hpp"
#include "benchmarks.hpp"

namespace actorspec::perf {
namespace {

namespace pool = guide::pool;

std::int64_t await_results(Process& self, std::int64_t count) {
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i < count; ++i) sum += self.receive<pool::Result>().output;
  return sum;
}

// A pool whose workers all died before they were Ready never answers: the
// coordinator (GDE-9's) ignores their Down and waits for a Ready, the client
// for its results, and the benchmark would hang. On a runtime that cannot
// register the workers' names (caf: names are atoms of at most 10
// characters, `pool-worker-0` is not one) that is every run. So the warm-up,
// before the clock starts, waits at most kStall for each result (a gap no
// live pool comes near), then says which worker names do not resolve and
// why, as the benchmark's error. The timed region keeps the BEAM
// counterpart's plain receive: once the warm-up got its results, a live
// worker serves the rest (the pool hands jobs only to Ready workers).
constexpr std::chrono::seconds kStall{10};

class PoolStalled : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Which worker names do not resolve, and why (the first one's reason).
std::string unresolved_workers(Process& self, int workers) {
  std::string names, why;
  for (int i = 0; i < workers; ++i) {
    const std::string name = pool::worker_name(i);
    std::string reason;
    try {
      if (self.whereis(name)) continue;
      reason = "not registered";
    } catch (const std::exception& e) {
      reason = std::string("whereis throws: ") + e.what();
    }
    names += (names.empty() ? "" : ", ") + name;
    if (why.empty()) why = name + ": " + reason;
  }
  return names.empty() ? "every worker name resolves" : "no worker " + names + " (" + why + ")";
}

void warm_up(Process& self, int workers) {
  for (std::int64_t i = 0; i < 2 * workers; ++i) {
    self.receive(on<pool::Result>([](pool::Result) {}), after(kStall, [&] {
                   throw PoolStalled("the pool gave no result for " + std::to_string(kStall.count()) +
                                     " s in its warm-up: " + unresolved_workers(self, workers));
                 }));
  }
}

// A stalled pool stalls every repetition alike: the later ones report the
// first one's error at once instead of waiting kStall again. Per backend.
std::map<std::string, std::string>& stalled() {
  static std::map<std::string, std::string> by_backend;
  return by_backend;
}

void guide_worker_pool(benchmark::State& state, const BackendInfo& backend, int workers, std::int64_t jobs) {
  if (auto it = stalled().find(backend.name); it != stalled().end()) {
    state.SkipWithError(("an earlier repetition stalled: " + it->second).c_str());
    return;
  }
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per job through the guide's WorkerPool (" + std::to_string(workers) +
                 " workers, jobs queued by the coordinator), first submit until the last result");
  measure(state, *rt, jobs, [&](Process& self) {
    const Pid me = self.self();
    auto [coord, ref] = self.spawn_monitor(pool::coordinator);
    self.send(coord, pool::StartWorkers{workers});
    for (std::int64_t id = 0; id < 2 * workers; ++id) self.send(coord, pool::Job{id, id, me});
    try {
      warm_up(self, workers);
    } catch (const PoolStalled& e) {
      stalled().emplace(backend.name, e.what());
      throw;
    }
    std::int64_t expected = 0;
    const auto t0 = Clock::now();
    for (std::int64_t id = 0; id < jobs; ++id) {
      self.send(coord, pool::Job{id, id % 1000, me});
      expected += pool::work(id % 1000);
    }
    const std::int64_t sum = await_results(self, jobs);
    const double seconds = seconds_between(t0, Clock::now());
    if (sum != expected) throw std::logic_error("jobs were lost or done twice");
    self.send(coord, pool::Stop{});
    const Down d = self.receive(on<Down>([ref = ref](const Down& m) { return m.ref == ref; }, [](Down m) { return m; }));
    if (!d.reason.is_normal()) throw std::logic_error("the pool ended with " + d.reason.to_string());
    return seconds;
  });
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_guide_worker_pool(const Registrar& r) {
  constexpr int kWorkers = 4;
  const std::int64_t jobs = r.size<std::int64_t>(200, 10'000);
  r.describe({.key = "guide/worker_pool",
              .operation = "one job through the guide's WorkerPool (GDE-9): 4 named workers, the coordinator "
                           "queues jobs until a worker is Ready; first submit until the last result",
              .unit = "ns per job",
              .sizes = std::to_string(jobs) + " jobs per repetition, pool of 4",
              .per_second = "jobs"});
  r.for_each_backend("guide/worker_pool/pool:" + std::to_string(kWorkers), jobs,
                     [jobs](benchmark::State& s, const BackendInfo& b) { guide_worker_pool(s, b, kWorkers, jobs); });
}

}  // namespace actorspec::perf
