#pragma once
// GDE-9: the guide's WorkerPool as spec/SPEC.md states it. Workers register
// their own names ("pool-worker-<i>") and tell the coordinator Ready; the
// coordinator sends work to a worker by name only after its Ready, and,
// unlike the guide's (which answers {:error, :no_workers_available}), queues
// a job that arrives while no worker is ready, so early work is delayed,
// never refused or lost. Each result goes to the job's reply_to.

#include <cstdint>
#include <string>

#include "actorspec/actorspec.hpp"

namespace actorspec::guide::pool {

struct Job {
  std::int64_t id;
  std::int64_t input;
  Pid reply_to;
};
struct StartWorkers {
  int count;
};
struct Ready {
  std::string name;
};
struct Work {
  Job job;
};
struct Done {
  std::string name;
  Job job;
  std::int64_t output;
};
struct Result {
  std::int64_t id;
  std::int64_t output;
};
struct Stop {};

// What a worker computes from a job's input.
std::int64_t work(std::int64_t input);

std::string worker_name(int i);

// A worker that registers `name`, reports Ready to `coordinator`, then does
// Work until Stop.
Body worker(std::string name, Pid coordinator);

// The coordinator's body. On Stop it stops its workers (by pid: one that
// never got work may not have registered yet) and waits for each to end; it
// ends `normal` only when every worker ended `normal`.
void coordinator(Process& self);

}  // namespace actorspec::guide::pool
