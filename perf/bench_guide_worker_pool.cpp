// guide/worker_pool: the guide's WorkerPool as GDE-9 states it
// (guide/worker_pool.hpp, the code GDE-9's conformance tests check):
// workers register their names and report Ready; the coordinator queues
// jobs and hands each to a ready worker by name; results go to the client.
// The client starts the workers, submits J jobs back to back and waits for
// all J results. Reports ns per job, from the first submit until the last
// result (jobs/s as items_per_second). The pool is started and warmed, and
// stopped (names freed) outside the timed region.

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

void guide_worker_pool(benchmark::State& state, const BackendInfo& backend, int workers, std::int64_t jobs) {
  auto rt = make_runtime_or_skip(state, backend);
  if (!rt) return;
  state.SetLabel("ns per job through the guide's WorkerPool (" + std::to_string(workers) +
                 " workers, jobs queued by the coordinator), first submit until the last result");
  measure(state, *rt, jobs, [&](Process& self) {
    const Pid me = self.self();
    auto [coord, ref] = self.spawn_monitor(pool::coordinator);
    self.send(coord, pool::StartWorkers{workers});
    for (std::int64_t id = 0; id < 2 * workers; ++id) self.send(coord, pool::Job{id, id, me});  // warm-up
    await_results(self, 2 * workers);
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
