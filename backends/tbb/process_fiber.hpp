#pragma once
// One process of the tbb backend: a Boost.Context fiber on a pooled stack,
// run in slices by ordinary TBB tasks. A slice runs the process until it
// parks or ends; parking switches back to the task, which returns and frees
// its worker thread. A wake enqueues a new slice, on whichever worker.
//
// Park, wake and timeout race through the stackful toolkit's ParkWord: a
// wake or a timeout that comes while the process is still switching out
// makes the worker resume it directly; one that comes once it is parked
// enqueues a slice for it.

#include <atomic>
#include <boost/context/fiber.hpp>
#include <cstdint>
#include <functional>
#include <optional>

#include "actorspec/core/executor.hpp"
#include "actorspec/stackful/park_word.hpp"
#include "actorspec/stackful/stack.hpp"
#include "context_switch.hpp"
#include "deadline_timer.hpp"

namespace actorspec::tbb_backend {

class TbbExecutor;

class ProcessFiber {
 public:
  // Allocates the stack; the process first runs when start() is called.
  ProcessFiber(TbbExecutor& executor, core::Schedulable& process, std::function<void()> entry);
  ProcessFiber(const ProcessFiber&) = delete;
  ProcessFiber& operator=(const ProcessFiber&) = delete;

  // The fiber running on the calling thread, or nullptr. Read afresh on
  // every call: a process may resume on another worker after any park.
  static ProcessFiber* running_here();

  TbbExecutor& executor() const { return executor_; }
  // Valid while the process's entry has not returned.
  core::Schedulable& process() const { return *process_; }

  // Makes the process runnable for the first time. Everything the caller
  // wrote before (the process's slot included) is visible to the process.
  void start();
  // Process side: see Executor::park.
  bool park(std::optional<core::Clock::time_point> deadline);
  // Any thread: see Executor::wake.
  void wake();
  // Process side: see Executor::yield. Switches out and queues a new slice
  // behind the tasks already queued; the phase stays `running`.
  void yield();

  // ---- for the DeadlineTimer, under its lock ----
  TimerEntry& timer_entry() { return timer_; }
  // Times out park number `park_seq` if the process is still in it. True
  // when it was switched out: the caller must then enqueue a slice for it.
  bool expire(std::uint64_t park_seq);

  // ---- worker side ----
  // One slice: runs the process until it parks or ends; frees the fiber
  // when it has ended. Then runs, the same way, the process it woke into
  // this thread's run-next slot, and so on.
  void run_slice();

 private:
  ~ProcessFiber();  // by finish(), on the worker, once the fiber has ended

  boost::context::fiber body(boost::context::fiber&& worker);
  // run_slice for this process; returns the process to run next here.
  ProcessFiber* run_until_switched_out(int next_slot);
  void switch_to_worker();
  void check_stack() const;
  void finish();

  TbbExecutor& executor_;
  core::Schedulable* process_;
  std::function<void()> entry_;           // owns the process (Executor::launch)
  boost::context::fiber context_;         // the process while switched out
  boost::context::fiber worker_;          // the slice to switch back to, while running
  stackful::StackBounds stack_;           // the pooled stack, guard page included
  stackful::ParkWord word_;
  std::uint64_t parking_epoch_ = 0;       // the park switching out now: set by the process, read by its slice
  bool used_timer_ = false;               // process side: has armed the timer
  bool yielding_ = false;                 // set by the process, read by its slice after the switch
  TimerEntry timer_;                      // DeadlineTimer's lock
  SwitchState switch_;
};

}  // namespace actorspec::tbb_backend
