#include "parker.hpp"

#include "worker_pool.hpp"

namespace actorspec::fiber_backend {
namespace {

thread_local WorkerIdentity* this_thread_worker = nullptr;

}  // namespace

__attribute__((noipa)) WorkerIdentity* current_worker_identity() noexcept { return this_thread_worker; }
__attribute__((noipa)) void set_current_worker_identity(WorkerIdentity* w) noexcept { this_thread_worker = w; }

bool Parker::park(std::optional<Clock::time_point> deadline) noexcept {
  std::uint64_t s = kPermit;
  if (state_.compare_exchange_strong(s, kIdle, std::memory_order_acquire)) return true;

  const std::uint64_t epoch = ++epoch_;
  s = kIdle;
  if (!state_.compare_exchange_strong(s, with_epoch(epoch, kParking), std::memory_order_acq_rel)) {
    // An unpark came in between; s == kPermit and nobody else moves it.
    state_.store(kIdle, std::memory_order_relaxed);
    return true;
  }
  if (deadline) pool_->arm_timer(*this, *deadline, epoch);

  // Only this fiber's own code runs between here and the switch, so these
  // are the thread's exception globals of this fiber.
  const EhState eh = take_thread_eh_state();
  pool_->parking_here(*this, epoch);
  fiber_->suspend();
  // Resumed, perhaps on another worker thread.
  now_running_on(stack_);
  restore_thread_eh_state(eh);
  pool_->after_switch();

  if (deadline) pool_->disarm_timer(*this);
  s = state_.exchange(kIdle, std::memory_order_acq_rel);
  if (s == kReadyWoken) return true;
  if (s == kReadyTimedOutPermit) state_.store(kPermit, std::memory_order_release);
  return false;  // kReadyTimedOut(Permit)
}

void Parker::finish_parking(std::uint64_t epoch) noexcept {
  boost::fibers::context* const fiber = fiber_;
  WorkerPool* const pool = pool_;
  fiber->detach();
  std::uint64_t s = with_epoch(epoch, kParking);
  // From a successful CAS on, a waker may queue the fiber and it may run
  // and end: touch nothing of ours after it.
  if (state_.compare_exchange_strong(s, with_epoch(epoch, kParked), std::memory_order_acq_rel)) return;
  // Claimed (woken or timed out) while it was switching away: it is ours
  // to queue.
  pool->push(fiber);
}

void Parker::unpark() noexcept {
  std::uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    switch (s & kTagMask) {
      case kPermit:
      case kReadyWoken:
      case kReadyTimedOutPermit:
        return;  // a wake is already on its way
      case kIdle:
        if (state_.compare_exchange_weak(s, kPermit, std::memory_order_acq_rel)) return;
        break;
      case kReadyTimedOut:
        // Too late for this park, kept for the next one.
        if (state_.compare_exchange_weak(s, kReadyTimedOutPermit, std::memory_order_acq_rel)) return;
        break;
      case kParking:
        // finish_parking will see the claim and queue the fiber.
        if (state_.compare_exchange_weak(s, kReadyWoken, std::memory_order_acq_rel)) return;
        break;
      case kParked: {
        boost::fibers::context* const fiber = fiber_;
        WorkerPool* const pool = pool_;
        if (state_.compare_exchange_weak(s, kReadyWoken, std::memory_order_acq_rel)) {
          pool->push(fiber);  // from here on it may run and end
          return;
        }
        break;
      }
    }
  }
}

boost::fibers::context* Parker::fire_timer_locked() noexcept {
  const std::uint64_t parking = with_epoch(timer_epoch_, kParking);
  const std::uint64_t parked = with_epoch(timer_epoch_, kParked);
  std::uint64_t s = state_.load(std::memory_order_acquire);
  while (s == parking || s == parked) {
    if (state_.compare_exchange_weak(s, kReadyTimedOut, std::memory_order_acq_rel))
      return s == parked ? fiber_ : nullptr;
  }
  return nullptr;
}

}  // namespace actorspec::fiber_backend
