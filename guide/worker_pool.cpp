#include "actorspec_guide/worker_pool.hpp"

#include <deque>
#include <utility>
#include <vector>

namespace actorspec::guide::pool {

std::int64_t work(std::int64_t input) { return input * input + 1; }

std::string worker_name(int i) { return "pool-worker-" + std::to_string(i); }

Body worker(std::string name, Pid coordinator) {
  return [name, coordinator](Process& self) {
    self.register_name(name, self.self());
    self.send(coordinator, Ready{name});
    for (bool running = true; running;) {
      running = self.receive(on<Work>([&](Work w) {
                               self.send(coordinator, Done{name, w.job, work(w.job.input)});
                               return true;
                             }),
                             on<Stop>([] { return false; }));
    }
  };
}

void coordinator(Process& self) {
  std::deque<Job> queued;
  std::deque<std::string> ready;
  std::vector<std::pair<Pid, Ref>> workers;
  auto dispatch = [&] {
    while (!queued.empty() && !ready.empty()) {
      self.send(ready.front(), Work{queued.front()});
      ready.pop_front();
      queued.pop_front();
    }
  };
  for (bool running = true; running;) {
    running = self.receive(
        on<Job>([&](Job j) {
          queued.push_back(j);
          dispatch();
          return true;
        }),
        on<StartWorkers>([&](StartWorkers s) {
          for (int i = 0; i < s.count; ++i) {
            const int n = static_cast<int>(workers.size());
            workers.push_back(self.spawn_monitor(worker(worker_name(n), self.self())));
          }
          return true;
        }),
        on<Ready>([&](Ready r) {
          ready.push_back(r.name);
          dispatch();
          return true;
        }),
        on<Done>([&](Done d) {
          self.send(d.job.reply_to, Result{d.job.id, d.output});
          ready.push_back(d.name);
          dispatch();
          return true;
        }),
        on<Stop>([] { return false; }));
  }
  for (auto [pid, ref] : workers) self.send(pid, Stop{});
  bool all_normal = true;
  for (auto [pid, ref] : workers) {
    const Down d = self.receive(on<Down>([ref](const Down& m) { return m.ref == ref; }, [](Down m) { return m; }));
    all_normal = all_normal && d.reason.is_normal();
  }
  if (!all_normal) self.exit(ExitReason::user("a pool worker ended abnormally"));
}

}  // namespace actorspec::guide::pool
