#pragma once
// Parks one Boost fiber (never its thread) and wakes it from any thread,
// with or without a deadline: the backend's park/wake.
//
// How it works. A parking fiber takes a fresh wake epoch from its Boost
// context (the epoch is how Boost.Fiber itself decides between a timeout
// and a notification) and publishes it in `state_`. It then suspends, or
// waits with a deadline in its worker's sleep queue. A waker claims the
// published epoch (CAS on `state_`), then races the timer for the context's
// epoch: whoever moves it on makes the fiber ready, exactly once. The waker
// hands the fiber to the scheduler it last ran on (schedule_from_remote, or
// schedule() when already on that worker), which never calls
// boost::fibers::context::active() on the waking thread: a plain thread
// outside the pool can wake a fiber without growing a fiber scheduler of
// its own (the trap of boostorg/fiber#259).

#include <boost/fiber/context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "switch_hooks.hpp"

namespace actorspec::fiber_backend {

class Parker {
 public:
  using Clock = std::chrono::steady_clock;

  // `fiber` is the one context that will ever park here; `stack` the stack
  // it runs on (for the sanitizer). Call before any park or unpark.
  void bind(boost::fibers::context* fiber, StackBounds stack) noexcept {
    fiber_ = fiber;
    stack_ = stack;
  }

  // Only the bound fiber calls this. Returns true if it consumed an unpark
  // (one that came earlier is kept), false if the deadline passed first.
  bool park(std::optional<Clock::time_point> deadline) noexcept;

  // Any thread. At most one unpark is kept while nobody is parked.
  void unpark() noexcept;

 private:
  // state_: kIdle, kPermit, kWaking, or (epoch << 1) while parked (even, >= 2).
  static constexpr std::uintptr_t kIdle = 0;
  static constexpr std::uintptr_t kPermit = 1;
  static constexpr std::uintptr_t kWaking = 3;  // a waker holds the claim

  std::atomic<std::uintptr_t> state_{kIdle};
  boost::fibers::context* fiber_ = nullptr;
  StackBounds stack_;
};

// The worker the calling thread is, or nullptr on any other thread. Read
// through a function the optimiser cannot see into, so that code which
// resumed on another thread never reuses a cached thread-local address.
struct WorkerIdentity;
WorkerIdentity* current_worker_identity() noexcept;
void set_current_worker_identity(WorkerIdentity* w) noexcept;

}  // namespace actorspec::fiber_backend
