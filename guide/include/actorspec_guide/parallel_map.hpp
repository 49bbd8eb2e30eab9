#pragma once
// GDE-8: the guide's ParallelProcessing.parallel_map/2: one process per
// element, each sending {self(), fn(x)} to the parent, which collects the
// results by pid (a selective receive), so they come back in input order
// whatever order the tasks finish in.

#include <vector>

#include "actorspec/actorspec.hpp"

namespace actorspec::guide::pmap {

template <class R>
struct TaskResult {
  Pid from;
  R value;
};

// fn(Process& task, const T& x) -> R runs in the task's process.
template <class T, class F, class R = std::invoke_result_t<F, Process&, const T&>>
std::vector<R> parallel_map(Process& self, const std::vector<T>& xs, F fn) {
  const Pid parent = self.self();
  std::vector<Pid> tasks;
  tasks.reserve(xs.size());
  for (const T& x : xs)
    tasks.push_back(self.spawn([parent, x, fn](Process& t) { t.send(parent, TaskResult<R>{t.self(), fn(t, x)}); }));
  std::vector<R> out;
  out.reserve(tasks.size());
  for (const Pid task : tasks)
    out.push_back(self.receive(on<TaskResult<R>>([task](const TaskResult<R>& r) { return r.from == task; },
                                                 [](TaskResult<R> r) { return std::move(r.value); })));
  return out;
}

}  // namespace actorspec::guide::pmap
