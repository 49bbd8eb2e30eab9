#pragma once
// oneTBB sizes its worker pool for the whole process: by default one worker
// fewer than the cores, since it expects the calling thread to join in. Our
// arenas are fed by enqueue and no thread joins them, so a runtime asking
// for N workers would get N-1 (1 on a 2-core machine). A lease raises the
// process-wide limit (tbb::global_control::max_allowed_parallelism) to one
// more than the workers all live runtimes asked for, and lowers it again
// when they end.

namespace actorspec::tbb_backend {

class WorkerLease {
 public:
  explicit WorkerLease(unsigned workers);
  ~WorkerLease();
  WorkerLease(const WorkerLease&) = delete;
  WorkerLease& operator=(const WorkerLease&) = delete;

 private:
  const unsigned workers_;
};

}  // namespace actorspec::tbb_backend
