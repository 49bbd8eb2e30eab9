#pragma once
// Parks a process's fiber (never its thread) and wakes it from any thread,
// with or without a deadline: the backend's park/wake.
//
// A parked fiber belongs to no worker. It announces the park (parking, in
// the stackful toolkit's ParkWord), switches away, and the worker it left
// detaches it right after the switch (parked). A wake then moves it straight onto the pool's shared ready queue,
// where any worker picks it up; a deadline is a timer in the pool that does
// the same with a "timed out" result. Nothing waits for the worker the fiber
// last ran on, so a process busy in its own code (no preemption in C++)
// delays nobody else's wake, and a plain thread outside the pool can wake a
// fiber without Boost.Fiber machinery of its own (boostorg/fiber#259).

#include <boost/fiber/context.hpp>
#include <boost/intrusive/set_hook.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "actorspec/stackful/park_word.hpp"
#include "actorspec/stackful/switch_hooks.hpp"

namespace actorspec::fiber_backend {

// The stackful toolkit (backends/stackful), by the short names used here.
using stackful::CreationSwitch;
using stackful::EhState;
using stackful::kTsanBuild;
using stackful::now_running_on;
using stackful::restore_thread_eh_state;
using stackful::StackBounds;
using stackful::take_thread_eh_state;
using stackful::tsan_create_fiber;
using stackful::tsan_current_fiber;
using stackful::tsan_destroy_fiber;
using stackful::tsan_switch_to_fiber;

class WorkerPool;

class Parker {
 public:
  using Clock = std::chrono::steady_clock;

  // `fiber` is the one context that will ever park here, a worker context
  // of `pool`; `stack` the stack it runs on. Call before park or unpark.
  void bind(WorkerPool& pool, boost::fibers::context* fiber, StackBounds stack) noexcept {
    pool_ = &pool;
    fiber_ = fiber;
    stack_ = stack;
  }

  // Only the bound fiber calls this. Returns true if it consumed an unpark
  // (one that came earlier is kept), false if the deadline passed first.
  bool park(std::optional<Clock::time_point> deadline) noexcept;

  // Any thread. At most one unpark is kept while nobody is parked.
  void unpark() noexcept;

 private:
  friend class WorkerPool;

  // On the worker the fiber left, once it is off its stack: detaches it and
  // lets it float, or queues it if it was claimed meanwhile.
  void finish_parking(std::uint64_t epoch) noexcept;

  // Under the pool's lock, for a timer that came due: the fiber to make
  // ready, or nullptr (woken already, or finish_parking will queue it).
  boost::fibers::context* fire_timer_locked() noexcept;

  stackful::ParkWord word_;
  WorkerPool* pool_ = nullptr;
  boost::fibers::context* fiber_ = nullptr;
  StackBounds stack_;

  // The pool's timers (guarded by the pool's lock).
  boost::intrusive::set_member_hook<> timer_hook_;
  Clock::time_point deadline_;
  std::uint64_t timer_epoch_ = 0;
};

// The worker the calling thread is, or nullptr on any other thread. Read
// through a function the optimiser cannot see into, so that code which
// resumed on another thread never reuses a cached thread-local address.
struct WorkerIdentity;
WorkerIdentity* current_worker_identity() noexcept;
void set_current_worker_identity(WorkerIdentity* w) noexcept;

}  // namespace actorspec::fiber_backend
