#pragma once
// The seam between the shared core (all Erlang semantics) and a backend
// (how a process runs, parks and wakes). A backend is an Executor plus a
// registration; see backends/thread for the smallest one.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace actorspec::core {

using Clock = std::chrono::steady_clock;

// Whatever a backend keeps per process: a thread, a fiber, a task handle.
struct ExecutionSlot {
  virtual ~ExecutionSlot() = default;
};

// The part of a process a backend sees. The core derives its process state
// from it; a backend stores its per-process data in `slot`.
struct Schedulable {
  virtual ~Schedulable() = default;
  std::unique_ptr<ExecutionSlot> slot;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Worker threads processes share (0 for one thread per process).
  virtual unsigned workers() const = 0;

  // Runs entry() as a new process and returns without waiting for it. The
  // entry never runs on the caller's stack. Called from any thread.
  // Lifetime: calling `entry` runs the process to its end, and before it
  // returns it may destroy the process and its slot (it holds the core's
  // reference to them), so a slot must not own the stack that entry runs
  // on; release such resources after entry returned. An entry destroyed
  // without being called does nothing (launch threw: the core undoes it).
  virtual void launch(Schedulable& process, std::function<void()> entry) = 0;

  // Called only by `process` itself: suspends it (not its worker thread,
  // where the backend pools threads) until wake() or the deadline. Returns
  // true if it consumed a wake, false if the deadline passed first.
  // A wake that comes before park is kept: the next park returns at once.
  // The core calls wake at most once per park that returns true.
  virtual bool park(Schedulable& process, std::optional<Clock::time_point> deadline) = 0;

  // Makes `process` runnable again. Called from any thread, inside or
  // outside the runtime.
  virtual void wake(Schedulable& process) = 0;

  // Called by `process` itself when a receive gives up without parking (a
  // poll, `after(0)`) and every so many runtime calls made without parking
  // (reductions): lets the other processes on its worker run before it
  // continues, since a process polling in a loop would otherwise starve
  // them (no preemption; SPEC RT-11). A backend whose processes share
  // workers MUST implement it; threads are preempted by the OS, so the
  // default does nothing. A wake that comes meanwhile is kept for the next
  // park, as always.
  virtual void yield(Schedulable& /*process*/) {}

  // The process *of this executor* running on the caller's execution
  // context, or nullptr: a process of another runtime (of this backend or
  // another) is outside this one, so from it this runtime's run(),
  // shutdown() and destruction work as from any outside thread (SPEC RT-12).
  virtual Schedulable* current() = 0;

  // Waits until every launched entry has returned, then releases the
  // backend's threads. Called once, by shutdown, after every process was
  // told to exit.
  virtual void join() = 0;
};

}  // namespace actorspec::core
