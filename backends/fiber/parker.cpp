#include "parker.hpp"

#include "worker_pool.hpp"

namespace actorspec::fiber_backend {
namespace {

thread_local WorkerIdentity* this_thread_worker = nullptr;

}  // namespace

__attribute__((noipa)) WorkerIdentity* current_worker_identity() noexcept { return this_thread_worker; }
__attribute__((noipa)) void set_current_worker_identity(WorkerIdentity* w) noexcept { this_thread_worker = w; }

bool Parker::park(std::optional<Clock::time_point> deadline) noexcept {
  std::uint64_t epoch;
  if (word_.consume_permit_or_begin(epoch)) return true;
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
  return word_.end_park();
}

void Parker::finish_parking(std::uint64_t epoch) noexcept {
  boost::fibers::context* const fiber = fiber_;
  WorkerPool* const pool = pool_;
  fiber->detach();
  // Once published, a waker may queue the fiber and it may run and end:
  // touch nothing of ours after it.
  if (word_.publish_parked(epoch)) return;
  // Claimed (woken or timed out) while it was switching away: it is ours
  // to queue.
  pool->push_next(fiber);
}

void Parker::unpark() noexcept {
  if (word_.wake()) pool_->push_next(fiber_);  // from here on it may run and end
}

boost::fibers::context* Parker::fire_timer_locked() noexcept {
  return word_.expire(timer_epoch_) ? fiber_ : nullptr;
}

}  // namespace actorspec::fiber_backend
