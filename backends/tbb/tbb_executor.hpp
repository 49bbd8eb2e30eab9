#pragma once
// The tbb backend: processes are Boost.Context fibers run in slices by
// tasks of one tbb::task_arena per runtime. A process waiting in receive
// holds a pooled stack, never a worker thread; a timed wait holds a slot in
// the runtime's DeadlineTimer. See README.md for why fibers and not oneTBB's
// resumable tasks.

#include <oneapi/tbb/task_arena.h>

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "actorspec/core/executor.hpp"
#include "deadline_timer.hpp"
#include "run_next.hpp"
#include "actorspec/stackful/stack_pool.hpp"
#include "worker_lease.hpp"

namespace actorspec::tbb_backend {

class ProcessFiber;

class TbbExecutor final : public core::Executor {
 public:
  // Usable stack bytes per process when none are asked for (the stackful
  // backends' one default).
  static constexpr std::size_t kDefaultStackSize = stackful::kDefaultStackSize;

  // workers 0: tbb::info::default_concurrency(); stack_size 0: the default.
  TbbExecutor(unsigned workers, std::size_t stack_size);
  ~TbbExecutor() override;

  unsigned workers() const override { return workers_; }
  // How many arena slot indices a worker of ours may have: oneTBB gives an
  // arena of one worker and no reserved slots two slots, and its worker
  // sits in slot 1 (measured: every wake of ping_pong/same_worker came from
  // slot 1), so one more than the workers.
  unsigned arena_slots() const { return workers_ + 1; }
  void launch(core::Schedulable& process, std::function<void()> entry) override;
  bool park(core::Schedulable& process, std::optional<core::Clock::time_point> deadline) override;
  void wake(core::Schedulable& process) override;
  void yield(core::Schedulable& process) override;
  core::Schedulable* current() override;
  void join() override;

  // ---- for ProcessFiber and DeadlineTimer ----
  void enqueue(ProcessFiber& fiber);
  // A process woken: into the run-next slot of this thread if it runs one of
  // our processes (see run_next.hpp), else enqueued.
  void make_runnable(ProcessFiber& fiber);
  // The calling thread's arena slot if it can hold a run-next process (it
  // runs a slice of ours), else -1; and what that slot holds, emptied.
  int run_next_slot() const;
  ProcessFiber* take_next(int slot) { return slot >= 0 ? next_.take(static_cast<unsigned>(slot)) : nullptr; }
  stackful::StackPool& stacks() { return stacks_; }
  DeadlineTimer& timer() { return timer_; }
  // The fiber has ended and been freed.
  void fiber_finished();

 private:
  const unsigned workers_;
  WorkerLease lease_;
  tbb::task_arena arena_;
  stackful::StackPool stacks_;
  DeadlineTimer timer_;
  RunNextSlots next_;  // after arena_: its watch thread enqueues

  std::mutex mu_;
  std::condition_variable all_done_;
  std::size_t live_fibers_ = 0;  // mu_
  bool joined_ = false;          // mu_
};

}  // namespace actorspec::tbb_backend
